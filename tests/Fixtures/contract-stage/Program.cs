using System.Text;
using System.Text.Json;
using Engine.Protocol;
using Engine.Protocol.Sdk;

// Calls every method of IHostServices that a stage may call, and the ones it may not, and writes
// what came back into the tree as "name: result" lines for the test to compare.
return PluginRunner.Run("org.test.contract", async (context, cancellationToken) =>
{
    var lines = new StringBuilder();
    async Task Try(string name, Func<Task<string>> call)
    {
        string result;
        try
        {
            result = await call();
        }
        catch (RpcErrorException e)
        {
            result = $"error {e.Code} {e.HostMessage}";
        }

        lines.Append(name).Append(": ").Append(result).Append('\n');
    }

    await context.ReportProgressAsync(1, 3, "contract", cancellationToken);
    await context.LogAsync(LogLevels.Info, "contract log line", cancellationToken);
    await Try("sources.get", async () => (await context.GetSourcesAsync("org.osbuild.files", [], cancellationToken)).GetRawText());
    await Try("sources.get unknown source", async () => (await context.GetSourcesAsync("org.test.no-such-source", [], cancellationToken)).GetRawText());
    await Try("sources.get failing source", async () => (await context.GetSourcesAsync("org.osbuild.files", ["sha256:0000000000000000000000000000000000000000000000000000000000000000"], cancellationToken)).GetRawText());
    await Try("sources.get empty name", async () => (await context.GetSourcesAsync("", [], cancellationToken)).GetRawText());
    await Try("loop.attach from a stage", async () => (await context.AttachLoopAsync(new LoopAttachRequest("/var/tmp/disk.raw"), cancellationToken)).DevName);
    await context.ReportProgressAsync(3, 3, "done", cancellationToken);
    await File.WriteAllTextAsync(Path.Combine(context.Tree, "contract.txt"), lines.ToString(), cancellationToken);
});
