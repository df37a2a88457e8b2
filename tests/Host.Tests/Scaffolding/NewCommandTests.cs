using System.CommandLine;
using Engine.Host.Cli;
using Engine.Host.Scaffolding;

namespace Engine.Host.Tests.Scaffolding;

public sealed class NewCommandTests
{
    [Fact]
    public void Run_PythonStage_ListsFilesAndNextCommands()
    {
        using var scratch = new ScaffoldScratch();
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int status = NewCommand.Run(scratch.Request("stage", "python"), scratch.LibDir, stdout, stderr);

        Assert.Equal(ExitCodes.Success, status);
        Assert.Equal("", stderr.ToString());
        string text = stdout.ToString();
        Assert.StartsWith($"created stage org.example.hello (python) in {scratch.Output}:\n  stages/org.example.hello\n", text, StringComparison.Ordinal);
        Assert.Contains("\nnext:\n", text, StringComparison.Ordinal);
        Assert.Contains($"--plugin-path {scratch.Output} {scratch.Output}/org.example.hello.test.json\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ExistingFiles_ExitsWithInvalidInputAndNamesThem()
    {
        using var scratch = new ScaffoldScratch();
        Assert.Equal(ExitCodes.Success, NewCommand.Run(scratch.Request("runner", "sh"), scratch.LibDir, TextWriter.Null, TextWriter.Null));
        var stderr = new StringWriter();

        int status = NewCommand.Run(scratch.Request("runner", "sh"), scratch.LibDir, TextWriter.Null, stderr);

        Assert.Equal(ExitCodes.InvalidInput, status);
        Assert.StartsWith("error: refusing to overwrite ", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains(Path.Combine(scratch.Output, "runners", "org.example.hello"), stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_Force_SaysWhatWasOverwritten()
    {
        using var scratch = new ScaffoldScratch();
        NewCommand.Run(scratch.Request("assembler", "sh"), scratch.LibDir, TextWriter.Null, TextWriter.Null);
        var stdout = new StringWriter();
        Assert.Equal(ExitCodes.Success, NewCommand.Run(scratch.Request("assembler", "sh", force: true), scratch.LibDir, stdout, TextWriter.Null));
        Assert.Contains("  assemblers/org.example.hello  (overwritten)\n", stdout.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("new stage org.example.hello --lang sh", 0)]
    [InlineData("new widget org.example.hello --lang sh", 1)]
    [InlineData("new stage org.example.hello", 1)]
    [InlineData("new stage --lang sh", 1)]
    public void Parse_NewCommandLine_ChecksKindAndRequiredOptions(string commandLine, int errors)
    {
        RootCommand root = CommandLineDefinition.Create(out _);
        ParseResult result = root.Parse(commandLine.Split(' '));
        Assert.True(errors == result.Errors.Count, string.Join("; ", result.Errors.Select(e => e.Message)));
    }

    [Fact]
    public void Parse_OutputAndForce_AreRead()
    {
        RootCommand root = CommandLineDefinition.Create(out _);
        ParseResult result = root.Parse(["new", "source", "org.example.hello", "--lang", "python", "--output", "/x", "--force"]);
        Assert.Empty(result.Errors);
        Assert.Equal("new", result.CommandResult.Command.Name);
        Assert.Equal("/x", result.GetValue<string>("--output"));
        Assert.True(result.GetValue<bool>("--force"));
        Assert.Equal("source", result.GetValue<string>("KIND"));
    }
}
