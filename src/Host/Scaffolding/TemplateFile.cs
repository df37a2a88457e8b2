namespace Engine.Host.Scaffolding;

/// <summary>One file a language's template set produces for a kind of plugin.</summary>
/// <param name="Source">Absolute path of the Scriban template.</param>
/// <param name="Target">Where the file goes, relative to the output folder; itself a Scriban template (<c>stages/{{ name }}</c>).</param>
/// <param name="Executable">Whether the file gets mode 0755 (else 0644).</param>
/// <param name="About">One line on what the file is, for the plugin's README.</param>
internal sealed record TemplateFile(string Source, string Target, bool Executable, string About);
