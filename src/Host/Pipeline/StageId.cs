using System.Security.Cryptography;
using System.Text;
using Engine.Host.Json;

namespace Engine.Host.Pipeline;

/// <summary>
/// The one place where ids are computed: SHA-256 over the canonical JSON of name, build tree id,
/// base id and options, concatenated (docs/architecture.md, "Ids"). Byte-identical to osbuild's.
/// </summary>
public static class StageId
{
    public static string Compute(string name, string? buildId, string? baseId, JValue.Object options)
    {
        string text = PythonJson.QuoteString(name)
            + (buildId is null ? "null" : PythonJson.QuoteString(buildId))
            + (baseId is null ? "null" : PythonJson.QuoteString(baseId))
            + PythonJson.Canonical(options);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
