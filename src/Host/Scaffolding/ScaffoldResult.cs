namespace Engine.Host.Scaffolding;

/// <summary>What a scaffold wrote and what the user runs next.</summary>
/// <param name="Output">The plugin root written into.</param>
/// <param name="Files">The files, in template order.</param>
/// <param name="Next">Commands to run next (build, then test), ready to paste.</param>
internal sealed record ScaffoldResult(string Output, IReadOnlyList<ScaffoldedFile> Files, IReadOnlyList<string> Next);
