using System.Collections.Immutable;
using Engine.Host.Json;

namespace Engine.Host.Manifest;

/// <summary>
/// Turns JSON into <see cref="ManifestDocument"/>: both of osbuild's forms (a bare pipeline, or
/// <c>{"pipeline": …, "sources": …}</c>), with osbuild's normalisation rules.
/// Shape errors are collected with their JSON paths and thrown together.
/// </summary>
public static class ManifestLoader
{
    /// <summary>Reads a manifest from a file, or from stdin when <paramref name="path"/> is <c>-</c>.</summary>
    /// <exception cref="ManifestException">Unreadable, malformed or wrongly shaped.</exception>
    public static ManifestDocument LoadFile(string path, TextReader stdin)
    {
        string name = path == "-" ? "stdin" : path;
        JValue root = ReadJsonFile(path, stdin);
        return Load(root, name);
    }

    /// <summary>Reads any JSON input file (manifest, sources, secrets, build environment).</summary>
    /// <exception cref="ManifestException">The file cannot be read or is not JSON.</exception>
    public static JValue ReadJsonFile(string path, TextReader stdin)
    {
        string name = path == "-" ? "stdin" : path;
        try
        {
            if (path == "-")
            {
                return JsonTextParser.Parse(stdin.ReadToEnd(), name);
            }

            return JsonTextParser.Parse(File.ReadAllBytes(path), name);
        }
        catch (JsonInputException e)
        {
            throw new ManifestException(name, e.JsonPath, $"line {e.Line}, column {e.Column}: {e.Problem}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ManifestException(name, "$", $"cannot read the file: {e.Message}");
        }
    }

    /// <summary>Interprets an already parsed document.</summary>
    public static ManifestDocument Load(JValue root, string fileName)
    {
        var errors = new List<InputError>();
        if (root is not JValue.Object top)
        {
            throw new ManifestException(fileName, "$", $"expected an object (a pipeline, or {{\"pipeline\": …, \"sources\": …}}), found {root.KindName}");
        }

        PipelineSpec? pipeline;
        JValue.Object sources = JValue.Object.Empty;
        if (top.ContainsKey("pipeline"))
        {
            JValue pipelineValue = top["pipeline"]!;
            pipeline = pipelineValue is JValue.Object
                ? ReadPipeline(pipelineValue, "$.pipeline", fileName, errors)
                : Fail(errors, fileName, "$.pipeline", $"expected the pipeline object, found {pipelineValue.KindName}");
            JValue? sourcesValue = top["sources"];
            if (sourcesValue is JValue.Object sourcesObject)
            {
                sources = sourcesObject;
            }
            else if (sourcesValue is not null && sourcesValue.IsTruthy)
            {
                errors.Add(new InputError(fileName, "$.sources", $"expected an object keyed by source name, found {sourcesValue.KindName}"));
            }
        }
        else
        {
            pipeline = ReadPipeline(top, "$", fileName, errors);
        }

        if (errors.Count > 0 || pipeline is null)
        {
            throw new ManifestException(errors);
        }

        return new ManifestDocument(pipeline, sources, fileName);
    }

    /// <summary>Reads a <c>--build-env</c> file: <c>{"runner": …, "pipeline": …}</c>.</summary>
    public static BuildSpec LoadBuildEnvironment(JValue root, string fileName)
    {
        var errors = new List<InputError>();
        BuildSpec? build = root is JValue.Object
            ? ReadBuild(root, "$", fileName, errors)
            : null;
        if (root is not JValue.Object)
        {
            errors.Add(new InputError(fileName, "$", $"expected {{\"runner\": …, \"pipeline\": …}}, found {root.KindName}"));
        }

        if (errors.Count > 0 || build is null)
        {
            throw new ManifestException(errors.Count > 0 ? errors : [new InputError(fileName, "$", "the build environment needs a \"runner\"")]);
        }

        return build;
    }

    private static PipelineSpec? ReadPipeline(JValue value, string path, string fileName, List<InputError> errors)
    {
        var pipeline = (JValue.Object)value;
        BuildSpec? build = null;
        JValue? buildValue = pipeline["build"];
        if (buildValue is not null && buildValue.IsTruthy)
        {
            build = buildValue is JValue.Object
                ? ReadBuild(buildValue, path + ".build", fileName, errors)
                : Fail<BuildSpec>(errors, fileName, path + ".build", $"expected {{\"runner\": …, \"pipeline\": …}}, found {buildValue.KindName}");
        }

        var stages = ImmutableArray.CreateBuilder<StageSpec>();
        JValue? stagesValue = pipeline["stages"];
        if (stagesValue is JValue.Array stageArray)
        {
            for (int i = 0; i < stageArray.Items.Length; i++)
            {
                if (ReadStage(stageArray.Items[i], $"{path}.stages[{i}]", "stage", fileName, errors) is StageSpec stage)
                {
                    stages.Add(stage);
                }
            }
        }
        else if (stagesValue is not null)
        {
            errors.Add(new InputError(fileName, path + ".stages", $"expected an array of stages, found {stagesValue.KindName}"));
        }

        StageSpec? assembler = null;
        JValue? assemblerValue = pipeline["assembler"];
        if (assemblerValue is not null && assemblerValue.IsTruthy)
        {
            assembler = ReadStage(assemblerValue, path + ".assembler", "assembler", fileName, errors);
        }

        return new PipelineSpec(build, stages.ToImmutable(), assembler);
    }

    private static BuildSpec? ReadBuild(JValue value, string path, string fileName, List<InputError> errors)
    {
        var build = (JValue.Object)value;
        JValue? runner = build["runner"];
        if (runner is not JValue.String { Value.Length: > 0 } runnerName)
        {
            errors.Add(new InputError(fileName, path + ".runner", runner is null
                ? "missing: a build needs a \"runner\" (for example \"org.osbuild.host\")"
                : $"expected the runner's name as a string, found {runner.KindName}"));
            return null;
        }

        PipelineSpec? pipeline = null;
        JValue? pipelineValue = build["pipeline"];
        if (pipelineValue is not null && pipelineValue.IsTruthy)
        {
            pipeline = pipelineValue is JValue.Object
                ? ReadPipeline(pipelineValue, path + ".pipeline", fileName, errors)
                : Fail(errors, fileName, path + ".pipeline", $"expected a pipeline object, found {pipelineValue.KindName}");
        }

        return new BuildSpec(runnerName.Value, pipeline);
    }

    private static StageSpec? ReadStage(JValue value, string path, string what, string fileName, List<InputError> errors)
    {
        if (value is not JValue.Object stage)
        {
            errors.Add(new InputError(fileName, path, $"expected a {what} object {{\"name\": …, \"options\": …}}, found {value.KindName}"));
            return null;
        }

        JValue? name = stage["name"];
        if (name is not JValue.String { Value.Length: > 0 } nameString)
        {
            errors.Add(new InputError(fileName, path + ".name", name is null
                ? $"missing: every {what} needs a \"name\" (for example \"org.osbuild.noop\")"
                : $"expected the {what}'s name as a non-empty string, found {name.KindName}"));
            return null;
        }

        JValue? options = stage["options"];
        if (options is null || !options.IsTruthy)
        {
            return new StageSpec(nameString.Value, JValue.Object.Empty, path);
        }

        if (options is not JValue.Object optionsObject)
        {
            errors.Add(new InputError(fileName, path + ".options", $"expected an object, found {options.KindName}"));
            return null;
        }

        return new StageSpec(nameString.Value, optionsObject, path);
    }

    private static PipelineSpec? Fail(List<InputError> errors, string fileName, string path, string message)
        => Fail<PipelineSpec>(errors, fileName, path, message);

    private static T? Fail<T>(List<InputError> errors, string fileName, string path, string message)
        where T : class
    {
        errors.Add(new InputError(fileName, path, message));
        return null;
    }
}
