using System.Text.Json.Nodes;
using Engine.Host.Manifest;
using Engine.Protocol;
using Json.Schema;
using Pipe = Engine.Host.Pipeline.Pipeline;

namespace Engine.Host.Plugins;

/// <summary>
/// Checks a whole manifest against the installed plugins before anything runs: every stage,
/// assembler and runner must exist and speak our protocol version, and every options object must
/// satisfy its plugin's schema. All problems are collected, each with the stage's name, its place
/// and the JSON path of the offending value.
/// </summary>
public sealed class OptionsValidator(PluginCatalog catalog, string manifestFileName)
{
    private readonly Dictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);

    /// <summary>Plugins without a meta file: they run, but their options were not checked.</summary>
    public List<string> Warnings { get; } = [];

    public IReadOnlyList<InputError> Validate(Pipe pipeline)
    {
        var errors = new List<InputError>();
        foreach (Pipe p in pipeline.SelfAndBuilds())
        {
            ValidateRunner(p.Runner, errors);
            for (int i = 0; i < p.Stages.Length; i++)
            {
                var stage = p.Stages[i];
                ValidateStage(PluginKind.Stage, stage.Name, stage.Options, stage.JsonPath, $"stage {i + 1} of {p.Stages.Length}", errors);
            }

            if (p.Assembler is { } assembler)
            {
                ValidateStage(PluginKind.Assembler, assembler.Name, assembler.Options, assembler.JsonPath, "assembler", errors);
            }
        }

        return errors;
    }

    private void ValidateRunner(string runner, List<InputError> errors)
    {
        PluginInfo? plugin = catalog.Find(PluginKind.Runner, runner);
        if (plugin is null)
        {
            errors.Add(new InputError(manifestFileName, "runner", catalog.NotFoundMessage(PluginKind.Runner, runner)));
        }
        else if (!plugin.IsRunnable)
        {
            errors.Add(new InputError(manifestFileName, "runner", NotExecutableMessage(plugin)));
        }
    }

    private static string NotExecutableMessage(PluginInfo plugin)
        => $"{PluginKind.Singular(plugin.Kind)} {plugin.Name} ({plugin.ExecutablePath}) is not executable; make it so with `chmod +x {plugin.ExecutablePath}`";

    private void ValidateStage(string kind, string name, Json.JValue.Object options, string jsonPath, string place, List<InputError> errors)
    {
        PluginInfo? plugin;
        try
        {
            plugin = catalog.Find(kind, name);
        }
        catch (PluginException e)
        {
            errors.Add(new InputError(manifestFileName, jsonPath, e.Message));
            return;
        }

        if (plugin is null)
        {
            errors.Add(new InputError(manifestFileName, jsonPath + ".name", catalog.NotFoundMessage(kind, name)));
            return;
        }

        if (!plugin.IsRunnable)
        {
            errors.Add(new InputError(manifestFileName, jsonPath + ".name", NotExecutableMessage(plugin)));
            return;
        }

        if (plugin.Meta is null)
        {
            string warning = $"{PluginKind.Singular(kind)} {name} has no meta file ({plugin.ExecutablePath}.meta.json): its options are not validated";
            if (!Warnings.Contains(warning))
            {
                Warnings.Add(warning);
            }

            return;
        }

        if (plugin.Meta.EffectiveProtocol is int version && version != Engine.Protocol.ProtocolConstants.Version)
        {
            errors.Add(new InputError(manifestFileName, jsonPath + ".name",
                $"{PluginKind.Singular(kind)} {name} ({plugin.Meta.FilePath}) speaks protocol version {version}, this host speaks {Engine.Protocol.ProtocolConstants.Version}; install a matching version of the plugin"));
            return;
        }

        if (plugin.Meta.Schema is not JsonObject schemaNode)
        {
            return;
        }

        JsonSchema schema;
        try
        {
            schema = GetSchema(plugin.Meta);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException or InvalidOperationException)
        {
            errors.Add(new InputError(manifestFileName, jsonPath, $"{name}: the schema in {plugin.Meta.FilePath} is invalid: {e.Message}"));
            return;
        }

        JsonNode? instance = JValueConversion.ToJsonNode(options);
        EvaluationResults results = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        if (results.IsValid)
        {
            return;
        }

        foreach (SchemaErrors.Problem problem in SchemaErrors.Describe(results, schemaNode, instance))
        {
            string path = jsonPath + ".options" + OptionsPath.FromPointer(problem.Pointer);
            errors.Add(new InputError(manifestFileName, path, $"{name} ({place}): {problem.Message}; see `osbuild plugins describe {name}`"));
        }
    }

    private JsonSchema GetSchema(PluginMeta meta)
    {
        if (!_schemas.TryGetValue(meta.FilePath, out JsonSchema? schema))
        {
            schema = JsonSchema.FromText(meta.Schema!.ToJsonString());
            _schemas[meta.FilePath] = schema;
        }

        return schema;
    }
}
