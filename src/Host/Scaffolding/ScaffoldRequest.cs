namespace Engine.Host.Scaffolding;

/// <summary>What `osbuild new` was asked to make.</summary>
/// <param name="Kind">stage, source, runner or assembler.</param>
/// <param name="Name">The plugin's reverse-DNS name.</param>
/// <param name="Language">A folder of the templates (csharp, python, sh, …).</param>
/// <param name="Output">The plugin root to write into (absolute).</param>
/// <param name="Force">Overwrite existing files and allow the name of a built-in.</param>
internal sealed record ScaffoldRequest(string Kind, string Name, string Language, string Output, bool Force);
