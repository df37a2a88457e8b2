namespace Engine.Host.Scaffolding;

/// <summary>The facts of the installation a scaffold is made for.</summary>
/// <param name="TemplatesRoot">The folder holding one folder per language.</param>
/// <param name="LibDir">The built-in plugin root, to refuse names that would be shadowed or shadow.</param>
/// <param name="Repository">The engine's source tree (for the C# SDK reference), or null when unknown.</param>
/// <param name="OsbuildCommand">How the printed commands start osbuild (the running binary's path).</param>
internal sealed record ScaffoldSettings(string TemplatesRoot, string LibDir, string? Repository, string OsbuildCommand);
