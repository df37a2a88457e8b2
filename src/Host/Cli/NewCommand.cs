using System.CommandLine;
using Engine.Host.Scaffolding;

namespace Engine.Host.Cli;

/// <summary>
/// <c>osbuild new stage|source|runner|assembler NAME --lang LANG [--output DIR] [--force]</c>: makes a
/// ready plugin from the templates (see <see cref="Scaffolder"/>) and prints what to run next.
/// </summary>
internal static class NewCommand
{
    internal static Command Create(PluginSearchOptions search)
    {
        var kind = new Argument<string>("KIND") { Description = "what to make: stage, source, runner or assembler" };
        kind.AcceptOnlyFromAmong([.. ScaffoldKinds.Names]);
        var name = new Argument<string>("NAME") { Description = "the plugin's reverse-DNS name, e.g. org.example.hello" };
        var language = new Option<string>("--lang") { Description = "language of the plugin: a folder of the templates (csharp, python, sh)", HelpName = "LANG", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "plugin root to write into (created if needed)", DefaultValueFactory = _ => ".", HelpName = "DIRECTORY" };
        var force = new Option<bool>("--force") { Description = "overwrite existing files, and allow the name of a built-in plugin" };
        var command = new Command("new", "make a new plugin (executable or C# project, meta file, README, test manifest) from templates")
        {
            kind, name, language, output, force,
        };
        command.SetAction(result => Run(
            new ScaffoldRequest(result.GetValue(kind)!, result.GetValue(name)!, result.GetValue(language)!, Path.GetFullPath(result.GetValue(output)!), result.GetValue(force)),
            search.LibDirOrDefault(result),
            Console.Out,
            Console.Error));
        return command;
    }

    /// <summary>Runs the command for an already parsed request; returns the exit status.</summary>
    internal static int Run(ScaffoldRequest request, string libDir, TextWriter stdout, TextWriter stderr)
    {
        string? repositoryVariable = Environment.GetEnvironmentVariable(EngineSourceTree.RepositoryVariable);
        string? repository = EngineSourceTree.FindRepository(repositoryVariable);
        if (!string.IsNullOrEmpty(repositoryVariable) && repository is null)
        {
            stderr.WriteLine($"warning: {EngineSourceTree.RepositoryVariable}={repositoryVariable} has no {EngineSourceTree.ProtocolProject}; it is not the engine's repository");
        }

        var folders = EngineSourceTree.TemplateFolders(repositoryVariable);
        string? templates = folders.FirstOrDefault(Directory.Exists);
        if (templates is null)
        {
            stderr.WriteLine($"error: no templates found (looked in {string.Join(", ", folders)}); run ./build.sh, which installs them, or set {EngineSourceTree.RepositoryVariable} to the engine's repository");
            return ExitCodes.InvalidInput;
        }

        // Printed commands start the installed osbuild that made them, unless it was run as `dotnet osbuild.dll`.
        string osbuild = HostEnvironment.UserCommand() ?? "osbuild";
        var settings = new ScaffoldSettings(templates, libDir, repository, osbuild);
        ScaffoldResult result;
        try
        {
            result = new Scaffolder(settings).Create(request);
        }
        catch (ScaffoldException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.InvalidInput;
        }

        stdout.WriteLine($"created {request.Kind} {request.Name} ({request.Language}) in {result.Output}:");
        foreach (ScaffoldedFile file in result.Files)
        {
            stdout.WriteLine($"  {file.RelativePath}{(file.Overwritten ? "  (overwritten)" : "")}");
        }

        if (result.Next.Count > 0)
        {
            stdout.WriteLine("next:");
            foreach (string line in result.Next)
            {
                stdout.WriteLine($"  {line}");
            }
        }

        return ExitCodes.Success;
    }
}
