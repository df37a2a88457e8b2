using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Engine.Host.Tests.Architecture;

/// <summary>
/// The host's and the plugins' libc calls live in one layer, src/Native (Engine.Native): Tmds.LibC for
/// what it declares, LibraryImport there for the rest, errno turned into NativeException in one place.
/// These scans keep it so: a P/Invoke or a Tmds.Linux call written anywhere else in src/ or plugins/
/// fails here, and so does a LibraryImport in src/Native that Tmds.LibC already declares.
/// </summary>
public sealed partial class InteropBoundaryTests
{
    private const string NativeLayer = "src/Native/";

    /// <summary>Files that may still declare interop, each with who removes it. An entry that no longer does is an error too.</summary>
    private static readonly Dictionary<string, string> s_exempt = new(StringComparer.Ordinal)
    {
    };

    [Fact]
    public void SourceOutsideNativeLayer_DeclaresNoInterop()
    {
        // Given every C# file of the host, the protocol library and the plugins
        var offenders = new List<string>();
        foreach (string file in ProductSources())
        {
            string relative = Relative(file);
            if (relative.StartsWith(NativeLayer, StringComparison.Ordinal) || s_exempt.ContainsKey(relative))
            {
                continue;
            }

            // When one declares a P/Invoke or calls Tmds.LibC directly
            foreach (string finding in InteropFindings(File.ReadAllText(file)))
            {
                offenders.Add($"{relative}: {finding}");
            }
        }

        // Then it is named, with where the call belongs
        Assert.True(
            offenders.Count == 0,
            "libc calls belong in src/Native (a wrapper with a .NET name; Tmds.LibC where it declares the call, else LibraryImport), not in:\n"
            + string.Join("\n", offenders));
    }

    [Fact]
    public void ExemptFiles_StillDeclareInterop()
    {
        var stale = s_exempt.Keys
            .Where(relative => !File.Exists(Path.Combine(TestData.RepoRoot, relative))
                || !InteropFindings(File.ReadAllText(Path.Combine(TestData.RepoRoot, relative))).Any())
            .ToList();

        Assert.True(stale.Count == 0, "no interop left in these exempted files; remove them from InteropBoundaryTests.s_exempt: " + string.Join(", ", stale));
    }

    [Fact]
    public void NativeLayerLibraryImports_AreNotInTmdsLibC()
    {
        // Given the entry points that Tmds.LibC declares (method names and EntryPoint values, e.g. open64)
        var tmds = new HashSet<string>(StringComparer.Ordinal);
        foreach (MethodInfo method in typeof(Tmds.Linux.LibC).GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (method.GetCustomAttribute<DllImportAttribute>() is DllImportAttribute import)
            {
                tmds.Add(method.Name.TrimStart('_'));
                tmds.Add(import.EntryPoint ?? method.Name);
            }
        }

        Assert.Contains("umount2", tmds); // the reflection above sees the declarations at all

        // When src/Native declares its own
        var duplicates = new List<string>();
        int declared = 0;
        foreach (string file in Directory.EnumerateFiles(Path.Combine(TestData.RepoRoot, NativeLayer), "*.cs", SearchOption.AllDirectories))
        {
            foreach (Match match in LibraryImportDeclaration().Matches(File.ReadAllText(file)))
            {
                declared++;
                Match entry = EntryPoint().Match(match.Groups["args"].Value);
                string entryPoint = entry.Success ? entry.Groups[1].Value : match.Groups["name"].Value;
                if (tmds.Contains(entryPoint))
                {
                    duplicates.Add($"{Relative(file)}: {entryPoint}");
                }
            }
        }

        // Then none of them is one Tmds.LibC already has
        Assert.True(declared > 0, "no LibraryImport found in src/Native: the pattern no longer matches the declarations");
        Assert.True(duplicates.Count == 0, "Tmds.LibC (Tmds.Linux.LibC) already declares these; call it instead:\n" + string.Join("\n", duplicates));
    }

    private static IEnumerable<string> ProductSources() =>
        new[] { "src", "plugins" }
            .SelectMany(root => Directory.EnumerateFiles(Path.Combine(TestData.RepoRoot, root), "*.cs", SearchOption.AllDirectories))
            .Where(file => !IsBuildOutput(Relative(file)));

    private static bool IsBuildOutput(string relative) =>
        relative.Split('/').Any(part => part is "obj" or "bin");

    private static IEnumerable<string> InteropFindings(string source)
    {
        foreach (Match match in InteropDeclaration().Matches(WithoutComments(source)))
        {
            yield return match.Value.Trim();
        }
    }

    // Comments may name the attributes (this file's own do); strings in product code do not.
    private static string WithoutComments(string source) => Comment().Replace(source, "");

    private static string Relative(string file) => Path.GetRelativePath(TestData.RepoRoot, file).Replace('\\', '/');

    [GeneratedRegex(@"\[\s*(?:[\w.]+\.)?(?:DllImport|LibraryImport)\b[^\]]*\]|\bextern\s+[^;{]*\(|\bTmds\.Linux\b")]
    private static partial Regex InteropDeclaration();

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex Comment();

    [GeneratedRegex(@"EntryPoint\s*=\s*""([^""]+)""")]
    private static partial Regex EntryPoint();

    [GeneratedRegex(@"\[\s*(?:[\w.]+\.)?LibraryImport(?:Attribute)?\((?<args>[^\]]*)\)\]\s*(?:\[[^\]]*\]\s*)*(?:(?:public|private|internal|static|partial|unsafe)\s+)+[\w\*<>\?]+\s+(?<name>\w+)\s*\(")]
    private static partial Regex LibraryImportDeclaration();
}
