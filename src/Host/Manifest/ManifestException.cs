namespace Engine.Host.Manifest;

/// <summary>One problem found in an input file, with its JSON path.</summary>
public sealed record InputError(string FileName, string JsonPath, string Message)
{
    public override string ToString() => $"{FileName}: {JsonPath}: {Message}";
}

/// <summary>
/// The input (manifest, sources, secrets, build environment or options) is invalid. Carries every
/// problem found, so the user fixes them all in one go; the CLI exits with status 2.
/// </summary>
public sealed class ManifestException(IReadOnlyList<InputError> errors)
    : Exception(string.Join(Environment.NewLine, errors))
{
    public ManifestException(string fileName, string jsonPath, string message)
        : this([new InputError(fileName, jsonPath, message)])
    {
    }

    public IReadOnlyList<InputError> Errors { get; } = errors;
}
