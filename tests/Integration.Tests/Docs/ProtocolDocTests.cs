using System.Text;
using Engine.Host.Json;
using Engine.Integration.Tests.Engine;
using Engine.Integration.Tests.Sources;

namespace Engine.Integration.Tests.Docs;

/// <summary>
/// docs/protocol.md's examples, run as a reader would: the Python plugin of §8 with the manifest of
/// §9 (and its --sources form) against a real HTTP server, the printed result and the error texts
/// compared with the real ones, and the sources.get function of §10 in a stage of its own.
/// </summary>
public sealed class ProtocolDocTests
{
    private const string DocumentedAddress = "http://127.0.0.1:8000/";
    private static readonly DocExamples s_doc = new("docs/protocol.md");

    /// <summary>A plugin root with the §8 stage, the manifest with the server's real address, and the server.</summary>
    private sealed class Reader : IAsyncDisposable
    {
        private readonly TestHttpServer _server = new();

        public Reader(string served)
        {
            Scratch = new TempStore();
            Plugins = System.IO.Path.Combine(Scratch.Root, "plugins");
            Directory.CreateDirectory(System.IO.Path.Combine(Plugins, "stages"));
            AddStage("org.example.hello", s_doc["python-plugin"]);
            _server.Map("/hello.txt", _ => new TestResponse(200, Encoding.UTF8.GetBytes(served)));
        }

        public TempStore Scratch { get; }

        public string Plugins { get; }

        public string Local(string documented) => documented.Replace(DocumentedAddress, _server.BaseUrl, StringComparison.Ordinal);

        public void AddStage(string name, string script)
        {
            string path = System.IO.Path.Combine(Plugins, "stages", name);
            File.WriteAllText(path, script);
            File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        }

        public Osbuild.Result Build(string manifestJson, params string[] extra)
            => Osbuild.Run(["--store", Scratch.Store, "--plugin-path", Plugins, .. extra, Scratch.File("manifest.json", Local(manifestJson))]);

        public async ValueTask DisposeAsync()
        {
            await _server.DisposeAsync();
            Scratch.Dispose();
        }
    }

    [Fact]
    public async Task Manifest_WithThePythonPlugin_PrintsTheDocumentedResult()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        await using var reader = new Reader("hello\n");

        Osbuild.Result run = reader.Build(s_doc["manifest"], "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(s_doc["json-result"], run.Stdout);
        string outputId = ((JValue.String)run.Json["output_id"]!).Value;
        Assert.True(File.Exists(Path.Combine(reader.Scratch.Store, "refs", outputId, "hello.tar")), "the output lands in STORE/refs/<output id>/hello.tar");
    }

    [Fact]
    public async Task SourcesFile_ReplacesTheManifestsBlock()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        await using var reader = new Reader("hello\n");
        JValue.Object full = (JValue.Object)JsonTextParser.Parse(s_doc["manifest"], "manifest");
        string pipelineOnly = PythonJson.Compact(JValue.Object.From(("pipeline", full["pipeline"]!)));
        string sources = reader.Scratch.File("sources.json", reader.Local(s_doc["sources-file"]));

        Osbuild.Result run = reader.Build(pipelineOnly, "--json", "--sources", sources);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(s_doc["json-result"], run.Stdout);
    }

    [Fact]
    public async Task WrongFileOnTheServer_GivesTheDocumentedErrors()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        await using var reader = new Reader("goodbye\n");

        Osbuild.Result run = reader.Build(s_doc["manifest"]);

        Assert.Equal(1, run.ExitCode);
        string printed = reader.Local(s_doc["checksum-error"].TrimEnd('\n'));
        Assert.Contains(printed + "\n", run.Stdout, StringComparison.Ordinal);

        // §3.6 shows the reply behind that line.
        string reply = s_doc["error-reply"].Trim().TrimStart('←').Trim();
        var error = (JValue.Object)((JValue.Object)JsonTextParser.Parse(reply, "error-reply"))["error"]!;
        Assert.Equal("sources.get failed: " + reader.Local(((JValue.String)error["message"]!).Value), printed);
        Assert.Equal(new JValue.Integer(1002), error["code"]);
    }

    [Fact]
    public async Task SourcesGetFunction_For2020Stages_FetchesTheFile()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        await using var reader = new Reader("hello\n");
        reader.AddStage("org.example.stage2020", $$"""
            #!/usr/bin/python3
            import json, os, shutil, sys
            {{s_doc["sources-get-function"]}}
            args = json.load(sys.stdin)
            checksum = args["options"]["file"]
            sources_get("org.osbuild.files", [checksum])
            sources_get("org.osbuild.files", [checksum])  # fd 3 stays usable for a second call
            shutil.copy(os.path.join(args["sources"], "org.osbuild.files", checksum), os.path.join(args["tree"], "fetched"))
            """);
        string manifest = s_doc["manifest"].Replace("org.example.hello", "org.example.stage2020", StringComparison.Ordinal);

        Osbuild.Result run = reader.Build(manifest, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        string tree = Path.Combine(reader.Scratch.Store, "refs", ((JValue.String)run.Json["tree_id"]!).Value);
        Assert.Equal("hello\n", File.ReadAllText(Path.Combine(tree, "fetched")));
    }
}
