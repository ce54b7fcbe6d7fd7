using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Extraction;
using PecLists.Uploader.Output;
using PecLists.Uploader.Sources;
using PecLists.Uploader.Spooling;
using PecLists.Uploader.Transport;

namespace PecLists.Uploader.Pipeline;

/// <summary>
/// One site's run: send what is still spooled first; refresh the list catalog (cached, with its ETag; the cache when the
/// backend is out of reach); run only definitions signed by the pinned key; stop above the disk floor; for each list
/// extract from the source → spool → send; then the heartbeat. Whatever cannot be sent stays spooled for the next run.
/// </summary>
public sealed class SiteRun(
    UploaderConfig config,
    SiteConfig site,
    Spool spool,
    SpoolState state,
    ISnapshotSource source,
    BackendClient backend,
    TimeProvider clock,
    RunEvents events,
    TerminalProgress? progress = null)
{
    private readonly List<RefusedDefinition> _refused = [];

    /// <summary>The site's first failure category, reported in its heartbeat.</summary>
    private string? _category;

    public async Task<SiteRunResult> ExecuteAsync(CancellationToken ct)
    {
        var exitCode = await DeliverAsync(ct);
        state.Save(spool.Root); // the counters survive a crash during the heartbeat
        var category = exitCode == ExitCodes.Ok ? null : _category ?? ExitCodes.CategoryOf(exitCode);
        var delivered = await SendHeartbeatAsync(exitCode, category, ct);
        return new SiteRunResult(site.Ibge, exitCode, category, _refused, delivered);
    }

    private async Task<int> DeliverAsync(CancellationToken ct)
    {
        var result = await SendSpooledAsync(ct);
        var (catalog, catalogResult) = await RefreshCatalogAsync(ct);
        if (catalog is null)
        {
            return Worse(result, catalogResult);
        }

        result = Worse(result, catalogResult);

        // Every definition is checked before any SQL runs: one not signed by a pinned key, whose SQL is more than one
        // statement, signed too long ago, or older than a version already run is not run; the others are, and their
        // versions are remembered.
        var signatures = new SignedDefinitions(config.PinnedListSigningKeys(), clock.GetUtcNow(), TimeSpan.FromDays(config.ListDefinitionMaxAgeDays), state.HighestListVersions);
        var (verified, notRun) = signatures.Check(catalog.Lists.Where(l => config.Lists.Count == 0 || config.Lists.Contains(l.Name)));
        state.RecordRun(verified);
        foreach (var definition in notRun)
        {
            _refused.Add(definition);
            events.Say(RunMessages.DefinitionNotRun(site.Ibge, definition));
            result = Worse(result, Fail(FailureCategories.DefinitionSignature));
        }

        // The spool shares its disk with PEC's own database: below the floor nothing is extracted (a full disk stops PEC).
        if (DiskSpace.FreeBytes(spool.Root) is { } free && free < config.SpoolMinFreeBytes && verified.Count > 0)
        {
            events.Say(RunMessages.BelowDiskFloor(site.Ibge, free, spool.Root, config.SpoolMinFreeBytes));
            return Worse(result, Fail(FailureCategories.DiskFull));
        }

        foreach (var list in verified)
        {
            var (snapshot, failed) = await ExtractAsync(list, ct);
            if (snapshot is null)
            {
                result = Worse(result, failed);
                continue;
            }

            result = Worse(result, await SendAsync(snapshot, ct));
        }

        return result;
    }

    /// <summary>Spooled snapshots first, newest of each list only; a damaged one goes to quarantine.</summary>
    private async Task<int> SendSpooledAsync(CancellationToken ct)
    {
        var result = ExitCodes.Ok;
        var superseded = spool.DropSuperseded(site.Ibge);
        state.Superseded += superseded;
        if (superseded > 0)
        {
            events.Say(RunMessages.SupersededDropped(site.Ibge, superseded));
        }

        foreach (var pending in spool.Pending(site.Ibge))
        {
            if (!await Spool.IsIntactAsync(pending, ct))
            {
                spool.Quarantine(pending);
                state.Quarantined++;
                events.Say(RunMessages.SpooledDamaged(site.Ibge, pending, spool.QuarantineDirectory));
                continue;
            }

            events.Say(RunMessages.SendingSpooled(site.Ibge, pending));
            result = Worse(result, await SendAsync(pending, ct));
        }

        return result;
    }

    /// <summary>
    /// The list definitions: fresh when they changed (ETag), else the cached ones; the cached ones too when the backend
    /// is out of reach, so today's data still waits in the spool. Null catalog: nothing can run.
    /// </summary>
    private async Task<(ListCatalogDto? Catalog, int ExitCode)> RefreshCatalogAsync(CancellationToken ct)
    {
        var cached = ListCache.Load(spool.Root, site.Ibge);
        try
        {
            var (fresh, etag) = await backend.GetListsAsync(site.Token, cached?.ETag, ct);
            if (fresh is not null)
            {
                new ListCache(etag, clock.GetUtcNow(), fresh).Save(spool.Root, site.Ibge);
            }

            return (fresh ?? cached!.Catalog, ExitCodes.Ok);
        }
        catch (BackendAuthException)
        {
            events.Say(RunMessages.TokenRefused(site.Ibge));
            return (null, Fail(FailureCategories.Token));
        }
        catch (Exception ex) when (ex is HttpRequestException or Polly.Timeout.TimeoutRejectedException or IOException)
        {
            var exitCode = Fail(backend.FailureCategoryOf(ex), ExitCodes.Network);
            if (cached is null)
            {
                events.Say(RunMessages.BackendUnreachableNoCache(site.Ibge, ex.Message));
                return (null, exitCode);
            }

            events.Say(RunMessages.BackendUnreachableUsingCache(site.Ibge, ex.Message, cached.FetchedAt));
            return (cached.Catalog, exitCode);
        }
    }

    /// <summary>Extracts one list into the spool; no snapshot, and the failure's exit code, when the source or the disk failed.</summary>
    private async Task<(SpooledSnapshot? Snapshot, int ExitCode)> ExtractAsync(ListDefinitionDto list, CancellationToken ct)
    {
        try
        {
            // Masks apply between the source and the spool file: a list that asks for them is never spooled clear.
            using var masks = ListMasks.For(list, config.ReadMaskingKey());
            var snapshotId = SnapshotIds.New(clock.GetUtcNow());
            ExtractResult? extracted = null;
            progress?.Start();
            var snapshot = await spool.WriteAsync(site.Ibge, list.Name, snapshotId, async file =>
                extracted = await SnapshotExtraction.ExtractAsync(
                    source, SiteBinding.ForSite(list, site.Ibge), masks, file, ListExtractor.DefaultCompression, progress is null ? null : p => progress.Extracting(list.Name, p), ct));
            events.Say(RunMessages.Extracted(site.Ibge, list, extracted!));
            var overCap = spool.EnforceCap(config.SpoolMaxBytes, snapshot);
            state.OverCap += overCap;
            if (overCap > 0)
            {
                events.Say(RunMessages.OverCapDropped(site.Ibge, config.SpoolMaxBytes, overCap));
            }

            return (snapshot, ExitCodes.Ok);
        }
        catch (IOException ex) when (DiskSpace.IsFull(ex))
        {
            events.Say(RunMessages.SpoolDiskFull(site.Ibge, spool.Root, list.Name));
            return (null, Fail(FailureCategories.DiskFull));
        }
        catch (MaskingException ex)
        {
            events.Say(RunMessages.NotMasked(site.Ibge, list.Name, ex));
            return (null, ex.Failure == MaskFailure.NoKey ? Fail(FailureCategories.Config, ExitCodes.Config) : Fail(FailureCategories.SourceSchema));
        }
        catch (Exception ex) when (source.Classify(ex) is { } failure)
        {
            events.Say(RunMessages.NotExtracted(site.Ibge, list.Name, failure.Reason));
            return (null, Fail(failure.Category, failure.ExitCode));
        }
    }

    /// <summary>Sends one spooled snapshot and settles it by the backend's answer: sent, kept for the next run, or quarantined.</summary>
    private async Task<int> SendAsync(SpooledSnapshot snapshot, CancellationToken ct)
    {
        progress?.Start();
        var upload = await backend.UploadAsync(site.Token, snapshot, ct, progress is null ? null : (sent, total) => progress.Sending(snapshot.List, sent, total));
        switch (upload.Outcome)
        {
            case UploadOutcome.Accepted:
                Spool.Delete(snapshot);
                SentLog.Append(spool.Root, new SentSnapshot(site.Ibge, snapshot.List, snapshot.SnapshotId, clock.GetUtcNow()));
                events.Say(RunMessages.Accepted(site.Ibge, snapshot));
                return ExitCodes.Ok;
            case UploadOutcome.Unauthorized:
                events.Say(RunMessages.UploadTokenRefused(site.Ibge, upload));
                return Fail(FailureCategories.Token);
            case UploadOutcome.Rejected:
                spool.Quarantine(snapshot);
                events.Say(RunMessages.Rejected(site.Ibge, snapshot, upload));
                return Fail(FailureCategories.SnapshotRejected);
            case UploadOutcome.Deferred:
                // Refused for a reason a resend can fix (damaged in transit, list not active, a proxy): kept, not quarantined.
                events.Say(RunMessages.Deferred(site.Ibge, snapshot, upload));
                return Fail(FailureCategories.BackendError);
            case UploadOutcome.Unreachable when upload.Status is { } status:
                // The backend answered, but cannot take it now (503 dependency-unavailable, 429, 5xx): say what it said.
                events.Say(RunMessages.BackendBusy(site.Ibge, snapshot, (int)status, upload));
                return Fail(FailureCategories.BackendError);
            default:
                events.Say(RunMessages.UploadUnreachable(site.Ibge, snapshot, upload));
                return Fail(upload.Code ?? FailureCategories.Network, ExitCodes.Network);
        }
    }

    /// <summary>After the run: outcome, error category and spool state, so silent failures are visible centrally.</summary>
    private async Task<bool> SendHeartbeatAsync(int exitCode, string? category, CancellationToken ct)
    {
        var ranAt = clock.GetUtcNow();
        var heartbeat = Heartbeats.ForRun(
            ranAt, category, databaseReachable: exitCode != ExitCodes.Database, spool.Pending(site.Ibge).Count, state.Dropped,
            DiskSpace.FreeBytes(spool.Root), _refused, [.. state.UnreportedFor(site.Ibge)]);
        if (await backend.SendHeartbeatAsync(site.Token, heartbeat, ct))
        {
            return true;
        }

        // Told with the next heartbeat that arrives, so a site cut off for days is not mistaken for one switched off.
        state.RecordUnreported(site.Ibge, new UnreportedRun(ranAt, heartbeat.Outcome!, category));
        events.Say(RunMessages.HeartbeatNotDelivered(site.Ibge));
        return false;
    }

    /// <summary>
    /// Records the site's first failure category and returns its exit code (<see cref="ExitCodes.For"/>, or
    /// <paramref name="exitCode"/> where the category alone does not say it), so each failure says both at once.
    /// </summary>
    private int Fail(string category, int? exitCode = null)
    {
        _category ??= category;
        return exitCode ?? ExitCodes.For(category);
    }

    private static int Worse(int a, int b) => a == ExitCodes.Ok ? b : a;
}
