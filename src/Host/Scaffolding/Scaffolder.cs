using Scriban.Runtime;

namespace Engine.Host.Scaffolding;

/// <summary>
/// Makes a new plugin from a language's templates (`osbuild new`). The output folder is a plugin
/// root: the executable goes to <c>&lt;output&gt;/&lt;kind&gt;s/&lt;name&gt;</c> with its meta file
/// beside it (or, for compiled languages, a project under <c>&lt;output&gt;/src/</c> whose build puts
/// it there), and a README and a test manifest go to the root, so that
/// <c>osbuild --plugin-path &lt;output&gt; &lt;output&gt;/&lt;name&gt;.test.json</c> runs it.
/// Everything is checked and rendered before the first file is written: a bad name, a clash with a
/// built-in or an existing file stops the scaffold with nothing written, unless forced.
/// </summary>
internal sealed class Scaffolder(ScaffoldSettings settings)
{
    /// <summary>Checks the request, renders every file and writes them.</summary>
    /// <exception cref="ScaffoldException">The request cannot be served; nothing was written.</exception>
    public ScaffoldResult Create(ScaffoldRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!ScaffoldKinds.IsKnown(request.Kind))
        {
            throw new ScaffoldException($"unknown kind '{request.Kind}'; choose one of {string.Join(", ", ScaffoldKinds.Names)}");
        }

        if (PluginName.Problem(request.Name) is string problem)
        {
            throw new ScaffoldException(problem);
        }

        string output = Path.GetFullPath(request.Output);
        TemplateSet templates = TemplateSet.Load(settings.TemplatesRoot, request.Language);
        if (!templates.Kinds.TryGetValue(request.Kind, out KindTemplates? kind))
        {
            throw new ScaffoldException($"the {templates.Language} templates make no {request.Kind} (they make: {string.Join(", ", templates.Kinds.Keys)}); see {templates.Directory}");
        }

        CheckBuiltinClash(request);
        ScriptObject model = ScaffoldModel.Create(request with { Output = output }, settings, templates);
        CheckRequirements(templates, model);

        var renderer = new TemplateRenderer(model);
        var targets = kind.Files.Select((file, i) => (File: file, Path: RenderTarget(renderer, file, output, $"{templates.Language}/template.json kinds.{request.Kind}.files[{i}].path"))).ToList();
        var next = kind.Next.Select((command, i) => renderer.Render(command, $"{templates.Language}/template.json kinds.{request.Kind}.next[{i}]").Trim()).ToList();
        model["next"] = new ScriptArray(next);
        model["files"] = new ScriptArray(targets.Select(t => new ScriptObject
        {
            ["path"] = t.Path.Relative,
            ["about"] = renderer.Render(t.File.About, $"{templates.Language}/template.json about of {t.Path.Relative}").Trim(),
            ["executable"] = t.File.Executable,
        }));

        var duplicate = targets.GroupBy(t => t.Path.Full, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ScaffoldException($"{templates.Language}/template.json renders two files to {duplicate.Key}");
        }

        if (targets.FirstOrDefault(t => Directory.Exists(t.Path.Full)) is { Path.Full: string folder })
        {
            throw new ScaffoldException($"{folder} is a directory where the scaffold puts a file; remove it or choose another --output");
        }

        var existing = targets.Where(t => Path.Exists(t.Path.Full)).Select(t => t.Path.Full).ToList();
        if (existing.Count > 0 && !request.Force)
        {
            throw new ScaffoldException(
                $"refusing to overwrite {string.Join(", ", existing)}; remove {(existing.Count == 1 ? "it" : "them")}, choose another --output, or pass --force to overwrite");
        }

        var rendered = targets.Select(t => new ScaffoldedFile(
            t.Path.Relative,
            t.Path.Full,
            renderer.Render(File.ReadAllText(t.File.Source), Path.GetRelativePath(settings.TemplatesRoot, t.File.Source)),
            t.File.Executable,
            existing.Contains(t.Path.Full, StringComparer.Ordinal))).ToList();

        foreach (ScaffoldedFile file in rendered)
        {
            try
            {
                Write(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                string written = string.Join(", ", rendered.TakeWhile(f => f != file).Select(f => f.RelativePath));
                throw new ScaffoldException($"cannot write {file.FullPath}: {e.Message}{(written.Length > 0 ? $" (already written: {written})" : "")}");
            }
        }

        return new ScaffoldResult(output, rendered, next);
    }

    private void CheckBuiltinClash(ScaffoldRequest request)
    {
        string builtin = Path.Combine(settings.LibDir, ScaffoldKinds.Folder(request.Kind), request.Name);
        if (!request.Force && (Path.Exists(builtin) || new FileInfo(builtin).LinkTarget is not null))
        {
            throw new ScaffoldException(
                $"{request.Name} is the name of a built-in {request.Kind} ({builtin}); a plugin of that name on --plugin-path would replace it in every build. Choose another name, or pass --force");
        }
    }

    private static void CheckRequirements(TemplateSet templates, ScriptObject model)
    {
        foreach (string variable in templates.Requires)
        {
            if (!model.ContainsKey(variable))
            {
                throw new ScaffoldException($"{templates.Language}/template.json requires \"{variable}\", which is not a scaffolding variable (see templates/README.md)");
            }

            if (ScaffoldModel.Text(model, variable).Length == 0)
            {
                throw new ScaffoldException(variable is "repository" or "protocol_project"
                    ? $"the {templates.Language} templates reference the engine's Protocol SDK ({EngineSourceTree.ProtocolProject}), but the engine's source tree was not found; set {EngineSourceTree.RepositoryVariable} to the repository the host was built from"
                    : $"the {templates.Language} templates need \"{variable}\", which is empty here");
            }
        }
    }

    private static (string Relative, string Full) RenderTarget(TemplateRenderer renderer, TemplateFile file, string output, string sourceName)
    {
        string relative = renderer.Render(file.Target, sourceName).Trim();
        string full = Path.GetFullPath(Path.Combine(output, relative));
        if (relative.Length == 0 || Path.IsPathRooted(relative) || !full.StartsWith(output.TrimEnd('/') + "/", StringComparison.Ordinal))
        {
            throw new ScaffoldException($"{sourceName} renders to '{relative}', which is not a path inside the output folder");
        }

        return (Path.GetRelativePath(output, full).Replace(Path.DirectorySeparatorChar, '/'), full);
    }

    private static void Write(ScaffoldedFile file)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file.FullPath)!);
        // Write beside and rename, so that an interrupted scaffold never leaves half a file under the real name.
        string temporary = file.FullPath + ".new";
        File.WriteAllText(temporary, file.Content);
        File.SetUnixFileMode(temporary, file.Executable ? ExecutableMode : RegularMode);
        File.Move(temporary, file.FullPath, overwrite: true);
    }

    private const UnixFileMode RegularMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private const UnixFileMode ExecutableMode = RegularMode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
}
