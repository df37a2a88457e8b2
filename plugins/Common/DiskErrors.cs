using Engine.Protocol.Sdk;

namespace Engine.Plugins.Common;

/// <summary>
/// Turns file-system errors escaping a plugin body into a failure message. PluginRunner reports
/// <see cref="PluginFailedException"/> cleanly; anything else would end the process with a .NET
/// crash dump instead of "file X is missing".
/// </summary>
internal static class DiskErrors
{
    public static Func<PluginContext, CancellationToken, Task> Guard(Func<PluginContext, CancellationToken, Task> body)
        => async (context, cancellationToken) =>
        {
            try
            {
                await body(context, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new PluginFailedException(e.Message);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new PluginFailedException(e.Message);
            }
        };
}
