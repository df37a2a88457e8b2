using Engine.Service.Api.Contracts;
using Engine.Service.Configuration;

namespace Engine.Service.Builds;

/// <summary>Removes finished builds (record, log, artifacts) once they are older than the retention setting.</summary>
internal sealed class RetentionSweeper(BuildRepository repository, ApiSettings settings, TimeProvider clock, ILogger<RetentionSweeper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        TimeSpan interval = TimeSpan.FromTicks(Math.Clamp(settings.Retention.Ticks / 10, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute * 10));
        using var timer = new PeriodicTimer(interval);
        do
        {
            DateTimeOffset cutoff = clock.GetUtcNow() - settings.Retention;
            foreach (BuildRecord record in repository.All.Where(r => r.State.IsFinal() && r.FinishedAt < cutoff).ToList())
            {
                await repository.DeleteAsync(record.Id, stoppingToken);
                log.LogInformation("build {Build}: removed, finished {Finished:u} (retention {Retention})", record.Id, record.FinishedAt, Durations.Format(settings.Retention));
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
