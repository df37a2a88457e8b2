namespace Engine.Host.Scaffolding;

/// <summary>A rendered file of a scaffold.</summary>
/// <param name="RelativePath">Its path below the output folder, with '/' separators.</param>
/// <param name="FullPath">Its absolute path.</param>
/// <param name="Content">The rendered text.</param>
/// <param name="Executable">Mode 0755 rather than 0644.</param>
/// <param name="Overwritten">It existed and was replaced (only with --force).</param>
internal sealed record ScaffoldedFile(string RelativePath, string FullPath, string Content, bool Executable, bool Overwritten);
