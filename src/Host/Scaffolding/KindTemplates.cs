namespace Engine.Host.Scaffolding;

/// <summary>What a language's template set makes for one kind of plugin.</summary>
/// <param name="Files">The files to render, in order.</param>
/// <param name="Next">Commands to print after scaffolding (Scriban templates), e.g. the build command.</param>
internal sealed record KindTemplates(IReadOnlyList<TemplateFile> Files, IReadOnlyList<string> Next);
