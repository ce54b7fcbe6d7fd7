using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Extraction;
using PecLists.Uploader.Incremental;
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
    TerminalProgress? progress = null,
    RunScope scope = RunScope.All,
    UpdateReportDto? update = null)
{
    /// <summary>In <see cref="RunScope.Scheduled"/> runs a successful site reports at most this often (a failure at once).</summary>
    public static readonly TimeSpan WatchHeartbeatEvery = TimeSpan.FromHours(1);

    private readonly List<RefusedDefinition> _refused = [];

    /// <summary>The site's first failure category, reported in its heartbeat.</summary>
    private string? _category;

    public async Task<SiteRunResult> ExecuteAsync(CancellationToken ct)
    {
        var exitCode = await DeliverAsync(ct);
        state.Save(spool.Root); // the counters survive a crash during the heartbeat
        var category = exitCode == ExitCodes.Ok ? null : _category ?? ExitCodes.CategoryOf(exitCode);
        if (scope == RunScope.Scheduled && exitCode == ExitCodes.Ok && update is null
            && state.WatchHeartbeats.TryGetValue(site.Ibge, out var last) && clock.GetUtcNow() - last < WatchHeartbeatEvery)
        {
            // A tick every minute must not mean a heartbeat every minute from every site: an hour's silence is not news.
            return new SiteRunResult(site.Ibge, exitCode, category, _refused, false);
        }

        var delivered = await SendHeartbeatAsync(exitCode, category, ct);
        if (delivered && scope == RunScope.Scheduled)
        {
            state.WatchHeartbeats[site.Ibge] = clock.GetUtcNow();
        }

        return new SiteRunResult(site.Ibge, exitCode, category, _refused, delivered);
    }

    private async Task<int> DeliverAsync(CancellationToken ct)
    {
        RecoverBatches();
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

        foreach (var list in verified.Where(l => scope == RunScope.All || PollSchedule.IsDue(l, state, site.Ibge, clock.GetUtcNow())))
        {
            result = Worse(result, LoadModes.Of(list) switch
            {
                LoadModes.Append => await DeliverAppendAsync(list, ct),
                LoadModes.Incremental => await DeliverIncrementalAsync(list, ct),
                _ => await ExtractAndSendAsync(list, null, null, ct),
            });
            if (list.Schedule is { } schedule)
            {
                state.NextPolls[SpoolState.ListKey(site.Ibge, list.Name)] = PollSchedule.Next(clock.GetUtcNow(), schedule, config.ScheduleMinute);
            }
        }

        return result;
    }

    private async Task<int> ExtractAndSendAsync(ListDefinitionDto list, SourceRead? read, string? kind, CancellationToken ct)
    {
        var (snapshot, failed) = await ExtractAsync(list, ct, read, kind);
        if (snapshot is null)
        {
            return failed;
        }

        return LoadModes.Of(list) == LoadModes.Snapshot && snapshot.IsWhole && await SentAsUnchangedAsync(list, snapshot, ct)
            ? ExitCodes.Ok
            : await SendAsync(snapshot, ct);
    }

    /// <summary>
    /// A snapshot-mode list's whole snapshot: its rows' digest is offered to the backend first, and when the backend holds
    /// the same rows only that small delivery travels and the spooled file is dropped. Any other answer (a refusal, no
    /// answer) leaves it to the caller to send the list whole, in this same run (docs/adr/0024-unchanged-deliveries.md).
    /// </summary>
    private async Task<bool> SentAsUnchangedAsync(ListDefinitionDto list, SpooledSnapshot snapshot, CancellationToken ct)
    {
        if (await RowsDigestScan.ReadAsync(snapshot.Path, list, ct) is not { } digest)
        {
            return false;
        }

        var answer = await backend.SendUnchangedAsync(site.Token, list.Name, snapshot.SnapshotId, snapshot.ExtractedAt, new UnchangedDeliveryDto(list.Version, digest.Rows, digest.Value), ct);
        if (!answer.Honoured)
        {
            events.Say(RunMessages.UnchangedNotTaken(site.Ibge, snapshot, answer));
            return false;
        }

        Spool.Delete(snapshot);
        SentLog.Append(spool.Root, new SentSnapshot(site.Ibge, snapshot.List, snapshot.SnapshotId, clock.GetUtcNow()));
        events.Say(RunMessages.Unchanged(site.Ibge, snapshot, digest.Rows));
        return true;
    }

    /// <summary>
    /// An append list: each poll is an append delivery; with <see cref="ScheduleDto.DeliverEveryMinutes"/>, polls wait
    /// in a batch (<see cref="AppendBatches"/>) and a batch that is due goes as one delivery before the next poll joins a new one.
    /// </summary>
    private async Task<int> DeliverAppendAsync(ListDefinitionDto list, CancellationToken ct)
    {
        if (list.Schedule?.DeliverEveryMinutes is not { } deliverEvery)
        {
            return await ExtractAndSendAsync(list, null, DeliveryKinds.Append, ct);
        }

        var result = ExitCodes.Ok;
        var batches = new AppendBatches(spool, site.Ibge, list.Name);
        foreach (var batch in batches.Open().Where(b => b.Version != list.Version || PollSchedule.BatchIsDue(b, list.Schedule, deliverEvery, clock.GetUtcNow(), config.ScheduleMinute)))
        {
            var delivery = await batches.CloseAsync(batch, ct);
            events.Say(RunMessages.BatchClosed(site.Ibge, list.Name, batch.Polls.Count));
            result = Worse(result, await SendAsync(delivery, ct));
        }

        var (poll, failed) = await ExtractAsync(list, ct, null, DeliveryKinds.Append);
        if (poll is null)
        {
            return Worse(result, failed);
        }

        batches.Add(poll, list.Version);
        return result;
    }

    /// <summary>
    /// An incremental list (ADR 0022, the edge's cursor): the acknowledged cursor is read from the backend first (the
    /// cached one when it is out of reach); none means a whole snapshot; else the changes since it minus the lookback,
    /// and the key set when due. Each delivery's X-Cursor is the highest cursor among its rows, never below the
    /// acknowledged one; a changes read with no rows sends nothing.
    /// </summary>
    private async Task<int> DeliverIncrementalAsync(ListDefinitionDto list, CancellationToken ct)
    {
        if (list.Incremental is not { } incremental || list.Key.Count == 0)
        {
            // Publish refuses such a definition (ADR 0022); one that got through anyway is not run, never guessed at.
            events.Say(RunMessages.IncrementalWithoutCursorOrKey(site.Ibge, list.Name));
            return Fail(FailureCategories.DefinitionSignature);
        }

        var (acknowledged, failed) = await AcknowledgedCursorAsync(list, ct);
        if (acknowledged is null)
        {
            return failed;
        }

        IncrementalPlan plan;
        try
        {
            plan = IncrementalPlan.For(incremental, acknowledged, clock.GetUtcNow(), state.KeySetsSent.TryGetValue(SpoolState.ListKey(site.Ibge, list.Name), out var sent) ? sent : null);
        }
        catch (UnreadableCursorException)
        {
            events.Say(RunMessages.CursorUnreadable(site.Ibge, list.Name));
            return Fail(FailureCategories.BackendError);
        }

        var (changes, result) = await ExtractAsync(list, ct, plan.Read, plan.Read.Kind, plan.Acknowledged);
        if (changes is not null)
        {
            result = changes.Cursor is null && plan.Read.Kind == DeliveryKinds.Changes
                ? Discard(changes)
                : await SendAsync(changes, ct);
        }

        if (plan.KeySet)
        {
            result = Worse(result, await ExtractAndSendAsync(list, SourceRead.KeySet, DeliveryKinds.KeySet, ct));
        }

        return result;
    }

    /// <summary>A changes read that found no row: nothing to deliver, and the cursor stays where the backend has it.</summary>
    private int Discard(SpooledSnapshot empty)
    {
        Spool.Delete(empty);
        return ExitCodes.Ok;
    }

    /// <summary>The backend's acknowledged cursor for this site, cached; the cached one when the backend is out of reach.</summary>
    private async Task<(ListCursorDto? Cursor, int ExitCode)> AcknowledgedCursorAsync(ListDefinitionDto list, CancellationToken ct)
    {
        var key = SpoolState.ListKey(site.Ibge, list.Name);
        try
        {
            var acknowledged = await backend.GetListCursorAsync(site.Token, list.Name, ct);
            state.Cursors[key] = acknowledged;
            return (acknowledged, ExitCodes.Ok);
        }
        catch (BackendAuthException)
        {
            events.Say(RunMessages.TokenRefused(site.Ibge));
            return (null, Fail(FailureCategories.Token));
        }
        catch (System.Text.Json.JsonException)
        {
            events.Say(RunMessages.CursorUnreadable(site.Ibge, list.Name));
            return (null, Fail(FailureCategories.BackendError));
        }
        catch (Exception ex) when (ex is HttpRequestException or Polly.Timeout.TimeoutRejectedException or IOException)
        {
            // Still a cursor the backend acknowledged: reading from it loses nothing; the delivery waits in the spool.
            return (state.Cursors.GetValueOrDefault(key) ?? new ListCursorDto(list.Name, null, null, null, null), ExitCodes.Ok);
        }
    }

    /// <summary>A batch whose close a crash interrupted: its polls are dropped, since its delivery is spooled or was sent.</summary>
    private void RecoverBatches()
    {
        var pending = spool.Pending(site.Ibge);
        var sent = SentLog.Read(spool.Root);
        foreach (var list in pending.Select(p => p.List).Concat(ListDirectories()).Distinct(StringComparer.Ordinal))
        {
            new AppendBatches(spool, site.Ibge, list).Recover(pending, sent);
        }
    }

    private IEnumerable<string> ListDirectories() =>
        Directory.Exists(Path.Combine(spool.Root, site.Ibge))
            ? Directory.GetDirectories(Path.Combine(spool.Root, site.Ibge)).Select(d => Path.GetFileName(d))
            : [];

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

    /// <summary>The list as its key set reads it: the key columns only, with their masks.</summary>
    private static ListDefinitionDto KeyColumnsOnly(ListDefinitionDto list) =>
        list with { Columns = [.. list.Columns.Where(c => list.Key.Contains(c.Name, StringComparer.Ordinal))] };

    /// <summary>
    /// Extracts one list into the spool; no snapshot, and the failure's exit code, when the source or the disk failed.
    /// <paramref name="read"/> is part of an incremental list (null: the whole list), <paramref name="kind"/> the
    /// delivery's <see cref="DeliveryKinds"/> (null: a whole snapshot, no header). An incremental list's snapshot or
    /// changes carry their cursor: the highest among the rows spooled, at least <paramref name="acknowledged"/>.
    /// </summary>
    private async Task<(SpooledSnapshot? Snapshot, int ExitCode)> ExtractAsync(ListDefinitionDto list, CancellationToken ct, SourceRead? read = null, string? kind = null, CursorValue? acknowledged = null)
    {
        try
        {
            // Masks apply between the source and the spool file: a list that asks for them is never spooled clear. A key
            // set holds the key columns alone, so only their masks apply (a hashed key is hashed there too, so it finds
            // its central rows); the masks of the other columns would look for columns the read does not return.
            using var masks = ListMasks.For(kind == DeliveryKinds.KeySet ? KeyColumnsOnly(list) : list, config.ReadMaskingKey());
            var snapshotId = SnapshotIds.New(clock.GetUtcNow());
            ExtractResult? extracted = null;
            progress?.Start();
            if (read is not null)
            {
                events.Say(RunMessages.Reading(site.Ibge, list.Name, read));
            }

            Action<ExtractProgress>? onProgress = progress is null ? null : p => progress.Extracting(list.Name, p);
            var cursorColumn = list.Incremental?.CursorColumn;
            var bound = SiteBinding.ForSite(list, site.Ibge); // an HTTP list's {ibge}

            // Every read, whole or partial, goes through the same masking writer: a changes or key-set delivery never
            // carries a value the list masks.
            var snapshot = await spool.WriteAsync(
                site.Ibge,
                list.Name,
                snapshotId,
                async file => extracted = await SnapshotExtraction.ExtractAsync(
                    output => read is null
                        ? source.ExtractAsync(bound, output, onProgress, ct)
                        : (source as IIncrementalSource ?? throw new NotIncrementalSourceException()).ExtractAsync(bound, read, output, onProgress, ct),
                    masks,
                    file,
                    ListExtractor.DefaultCompression),
                kind,
                cursorColumn is not null && kind is DeliveryKinds.Snapshot or DeliveryKinds.Changes ? path => CursorOfAsync(path, cursorColumn, acknowledged, ct) : null);
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
        catch (CursorColumnException ex)
        {
            events.Say(RunMessages.CursorColumnRefused(site.Ibge, list.Name, ex));
            return (null, Fail(FailureCategories.SourceSchema, ExitCodes.Database));
        }
        catch (NotIncrementalSourceException)
        {
            events.Say(RunMessages.NotIncrementalSource(site.Ibge, list.Name));
            return (null, Fail(FailureCategories.DefinitionSignature));
        }
        catch (MaskingException ex)
        {
            events.Say(RunMessages.NotMasked(site.Ibge, list.Name, ex));
            return (null, Fail(ex.Category));
        }
        catch (Exception ex) when (source.Classify(ex) is { } failure)
        {
            events.Say(RunMessages.NotExtracted(site.Ibge, list.Name, failure.Reason));
            return (null, Fail(failure.Category, failure.ExitCode));
        }
    }

    /// <summary>
    /// The delivery's cursor, read from the spooled file itself (so it is the rows sent, whatever the source): the
    /// highest value, never below the acknowledged one (a changes read that only found rows inside the lookback window
    /// must not move the cursor back). A NULL cursor is refused: such a row could never be read as changed.
    /// </summary>
    private static async Task<CursorValue?> CursorOfAsync(string path, string column, CursorValue? acknowledged, CancellationToken ct)
    {
        var scan = await CursorScan.ReadAsync(path, column, ct);
        if (scan.Nulls > 0)
        {
            throw new CursorColumnException(CursorColumnProblem.Null, column, scan.Nulls);
        }

        return scan.Highest is { } highest ? acknowledged is { } floor ? CursorValue.Max(highest, floor) : highest : null;
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
                if (snapshot.Kind == DeliveryKinds.KeySet)
                {
                    state.KeySetsSent[SpoolState.ListKey(site.Ibge, snapshot.List)] = clock.GetUtcNow();
                }

                events.Say(RunMessages.Accepted(site.Ibge, snapshot, upload.Blocks));
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
            DiskSpace.FreeBytes(spool.Root), _refused, [.. state.UnreportedFor(site.Ibge)], update);
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
