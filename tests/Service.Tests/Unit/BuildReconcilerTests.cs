using Engine.Service.Api.Contracts;
using Engine.Service.Builds;
using Engine.Service.Jobs;
using Hangfire;
using Hangfire.InMemory;
using Microsoft.Extensions.Logging.Abstractions;

namespace Engine.Service.Tests.Unit;

/// <summary>The reconciler against a real (in-memory) Hangfire storage.</summary>
public sealed class BuildReconcilerTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("service-reconciler-").FullName;
    private readonly InMemoryStorage _storage = new(new InMemoryStorageOptions());
    private readonly ManualClock _clock = new(DateTimeOffset.Parse("2026-12-02T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly BuildRepository _repository;
    private readonly BuildReconciler _reconciler;

    public BuildReconcilerTests()
    {
        _repository = new BuildRepository(_data);
        var jobs = new BuildJobQueue(new BackgroundJobClient(_storage), _storage);
        var ledger = new AttemptLedger(_repository, new ArtifactStore(_repository), jobs, _clock);
        _reconciler = new BuildReconciler(_repository, jobs, ledger, _clock, NullLogger<BuildReconciler>.Instance);
    }

    /// <summary>
    /// A build without a job is either being submitted (its job comes in a moment: queueing it here
    /// would give it a second one) or stranded by a crash between saving and queueing (it needs one).
    /// </summary>
    [Theory]
    [InlineData(5, 0)]
    [InlineData(120, 1)]
    public async Task BuildWithoutJob_QueuedOnlyWhenOlderThanAMinute(int ageSeconds, int expectedJobs)
    {
        BuildRecord record = await CreateAsync(_clock.GetUtcNow());
        _clock.Advance(TimeSpan.FromSeconds(ageSeconds));

        await _reconciler.ReconcileAsync(record, TestContext.Current.CancellationToken);

        Assert.Equal(expectedJobs, _storage.GetMonitoringApi().EnqueuedCount(QueueNames.Default));
        Assert.Equal(expectedJobs, _repository.Get(record.Id)!.JobIds.Count);
    }

    [Fact]
    public async Task RunningBuild_JobLost_QueuedAgain()
    {
        BuildRecord record = await CreateAsync(_clock.GetUtcNow());
        (record, _) = await _repository.UpdateAsync(record.Id, r => (r with { State = BuildState.Running, JobIds = ["job-of-a-process-that-died"] }, 0), TestContext.Current.CancellationToken);

        await _reconciler.ReconcileAsync(record, TestContext.Current.CancellationToken);

        BuildRecord after = _repository.Get(record.Id)!;
        Assert.Equal(BuildState.Queued, after.State);
        Assert.Equal(2, after.JobIds.Count);
        Assert.Equal(1, _storage.GetMonitoringApi().EnqueuedCount(QueueNames.Default));
    }

    private async Task<BuildRecord> CreateAsync(DateTimeOffset submitted)
    {
        BuildRecord record = BuildRecord.New(BuildIds.New(), "ci", QueueNames.Default, 0, submitted);
        await _repository.CreateAsync(record, "{}"u8.ToArray(), null, null, TestContext.Current.CancellationToken);
        return record;
    }

    public void Dispose()
    {
        _storage.Dispose();
        Directory.Delete(_data, recursive: true);
    }
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    private DateTimeOffset _now = now;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
