using System.Globalization;

namespace Engine.Service.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL server of our own: initdb into a scratch directory, pg_ctl on a free loopback
/// port, one database for Hangfire. The server refuses to run as root, so it runs as the postgres
/// user (made by Debian's package) on a directory that user owns. Stopped (immediate) and removed
/// at the end.
/// </summary>
internal sealed class PostgresServer : IDisposable
{
    private readonly string _bin;
    private readonly string _data;
    private readonly Scratch _scratch;

    private PostgresServer(string bin, Scratch scratch)
    {
        _bin = bin;
        _scratch = scratch;
        _data = scratch.Sub("data");
        Port = Machine.FreePort();
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=hangfire;Pooling=true";

    /// <summary>Why no server can be started here, or null.</summary>
    public static string? Missing()
        => FindBin() is null ? "the PostgreSQL server is not installed: apt-get install postgresql (setup.sh installs it)" : null;

    public static PostgresServer Start()
    {
        string bin = FindBin() ?? throw new InvalidOperationException(Missing());
        var scratch = new Scratch("pg");
        var server = new PostgresServer(bin, scratch);
        try
        {
            Machine.Run("chown", "postgres:postgres", scratch.Root);
            server.AsPostgres("initdb", "-D", server._data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8");
            server.AsPostgres(
                "pg_ctl", "-D", server._data, "-l", scratch.Sub("server.log"), "-w", "-t", "60",
                "-o", $"-p {server.Port.ToString(CultureInfo.InvariantCulture)} -k {scratch.Root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
                "start");
            server.Sql("postgres", "CREATE DATABASE hangfire");
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Runs SQL with psql and returns its unaligned output (one row per line).</summary>
    public string Sql(string database, string sql)
        => Machine.Run("psql", "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-d", database, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql).Trim();

    /// <summary>How many Hangfire jobs exist (every one ever queued).</summary>
    public int JobCount() => int.Parse(Sql("hangfire", "SELECT count(*) FROM hangfire.job"), CultureInfo.InvariantCulture);

    /// <summary>Everything in the Hangfire schema, as pg_dump writes it.</summary>
    public string Dump() => Machine.Run("pg_dump", "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-a", "-n", "hangfire", "hangfire");

    public void Dispose()
    {
        if (File.Exists(Path.Combine(_data, "postmaster.pid")))
        {
            try
            {
                AsPostgres("pg_ctl", "-D", _data, "-m", "immediate", "-w", "stop");
            }
            catch (InvalidOperationException)
            {
                // already stopped
            }
        }

        _scratch.Dispose();
    }

    private void AsPostgres(string tool, params string[] arguments)
        => Machine.Run("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. arguments]);

    private static string? FindBin()
        => Directory.Exists("/usr/lib/postgresql")
            ? Directory.EnumerateDirectories("/usr/lib/postgresql")
                .Select(version => Path.Combine(version, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl")))
                .OrderByDescending(bin => bin, StringComparer.Ordinal)
                .FirstOrDefault()
            : null;
}
