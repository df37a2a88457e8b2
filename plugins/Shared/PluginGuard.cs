namespace Engine.Plugins.Shared;

/// <summary>
/// Turns the plain failures of plugin code (a missing file, a directory that is not there, a value
/// that does not parse) into <see cref="PluginFailedException"/>: exit status 1 and one line on
/// stderr, as osbuild's stages end on an unhandled Python error. Without it
/// a NativeAOT process dies from an unhandled exception with SIGABRT and a stack trace.
/// </summary>
internal static class PluginGuard
{
    public static Func<PluginContext, CancellationToken, Task> Wrap(Func<PluginContext, CancellationToken, Task> body)
        => async (context, cancellationToken) =>
        {
            try
            {
                await body(context, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException
                or KeyNotFoundException or FormatException or ArgumentException or System.Text.Json.JsonException)
            {
                throw new PluginFailedException(e.Message);
            }
        };

    /// <summary>Wraps a synchronous body.</summary>
    public static Func<PluginContext, CancellationToken, Task> Wrap(Action<PluginContext> body)
        => Wrap((context, _) =>
        {
            body(context);
            return Task.CompletedTask;
        });
}
