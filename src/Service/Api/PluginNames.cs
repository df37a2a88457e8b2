using System.Text.Json;

namespace Engine.Service.Api;

/// <summary>
/// Every plugin a manifest names, read from osbuild's canonical description (<c>--inspect</c>), so
/// both manifest forms are covered: stages and assemblers of every pipeline (build pipelines
/// included), runners, and source plugins.
/// </summary>
internal static class PluginNames
{
    public static IReadOnlyList<string> FromInspection(JsonElement inspection)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        if (inspection.TryGetProperty("pipeline", out JsonElement pipeline))
        {
            AddPipeline(pipeline, names);
        }

        if (inspection.TryGetProperty("sources", out JsonElement sources) && sources.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty source in sources.EnumerateObject())
            {
                names.Add(source.Name);
            }
        }

        return [.. names];
    }

    private static void AddPipeline(JsonElement pipeline, SortedSet<string> names)
    {
        if (pipeline.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (pipeline.TryGetProperty("stages", out JsonElement stages) && stages.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement stage in stages.EnumerateArray())
            {
                AddName(stage, names);
            }
        }

        if (pipeline.TryGetProperty("assembler", out JsonElement assembler))
        {
            AddName(assembler, names);
        }

        if (pipeline.TryGetProperty("build", out JsonElement build) && build.ValueKind == JsonValueKind.Object)
        {
            if (build.TryGetProperty("runner", out JsonElement runner) && runner.ValueKind == JsonValueKind.String)
            {
                names.Add(runner.GetString()!);
            }

            if (build.TryGetProperty("pipeline", out JsonElement inner))
            {
                AddPipeline(inner, names);
            }
        }
    }

    private static void AddName(JsonElement node, SortedSet<string> names)
    {
        if (node.ValueKind == JsonValueKind.Object && node.TryGetProperty("name", out JsonElement name) && name.ValueKind == JsonValueKind.String)
        {
            names.Add(name.GetString()!);
        }
    }
}
