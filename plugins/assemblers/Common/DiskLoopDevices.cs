using Engine.Protocol;

namespace Engine.Plugins.Assemblers.Common;

/// <summary>
/// Loop devices borrowed from the host's loop service (fd 3) for the duration of an assembler
/// step; detached in reverse order on dispose, also when the step fails. Only what cannot be done
/// on a plain file needs one (mounting xfs, running zipl): ext4 and FAT are filled without.
/// </summary>
internal sealed class DiskLoopDevices(PluginContext context, string purpose) : IAsyncDisposable
{
    private readonly Stack<LoopAttachResult> _attached = new();

    /// <summary>Attaches <paramref name="file"/>[offset, offset+size) and returns the device path.</summary>
    public async Task<string> AttachAsync(string file, long offset, long size, CancellationToken cancellationToken)
    {
        LoopAttachResult result;
        try
        {
            result = await context.AttachLoopAsync(new LoopAttachRequest(file, offset, size), cancellationToken).ConfigureAwait(false);
        }
        catch (PluginFailedException e)
        {
            throw new PluginFailedException($"{purpose} needs a loop device from the host's loop service: {e.Message}");
        }
        catch (RpcErrorException e)
        {
            throw new PluginFailedException($"{purpose} needs a loop device, and the host could not attach one for {file} (offset {offset}, size {size}): {e.Message}");
        }

        _attached.Push(result);
        return result.Path;
    }

    public async ValueTask DisposeAsync()
    {
        while (_attached.TryPop(out LoopAttachResult? device))
        {
            await context.DetachLoopAsync(device.DevName, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
