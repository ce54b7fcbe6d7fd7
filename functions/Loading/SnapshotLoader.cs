using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using Dapper;
using PecLists.Contracts;
using PecLists.Functions.Data;
using PecLists.Functions.Lists;
using PecLists.Functions.Snapshots;
using PecLists.Functions.Storage;
using PecLists.Functions.Telemetry;
using Microsoft.Extensions.Options;
using Npgsql;

namespace PecLists.Functions.Loading;

/// <summary>
/// Applies one delivery to its (site, list) atomically: COPY into the list's unlogged staging table, then in one transaction write only
/// what its kind changes (a whole snapshot: insert new rows, update changed rows, delete vanished rows; append, changes
/// and key set: <see cref="MergeSql"/>), record counts and, for an incremental list, acknowledge its cursor. Safe under
/// redelivery (a finished snapshot is a no-op) and out-of-order delivery (older than the loaded one: skipped, except an
/// append delivery, whose rows are its own whenever it comes; a changes or key-set delivery first waits, bounded, for an
/// earlier one of its pair it must follow: <see cref="DeliveryOrder"/>).
/// </summary>
public sealed class SnapshotLoader(
    NpgsqlDataSource database,
    SnapshotStore store,
    ListCatalog lists,
    IOptions<LoadOptions> options,
    ILogger<SnapshotLoader> logger,
    PipelineMetrics? metrics = null)
{
    private const string LoadSavepoint = "load_work";

    private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);

    // Built here rather than injected so the loader keeps the constructor the benchmark and the tests use.
    private readonly SnapshotLedger _ledger = new(database);
    private readonly ListCursors _cursors = new(database);

    /// <summary>
    /// <see cref="LoadAsync"/>, and while every slot is busy, tried again after short pauses (<see cref="SlotWait"/>)
    /// for up to <see cref="LoadOptions.SlotWaitSeconds"/>, so a slot freed meanwhile is used at once instead of staying
    /// empty until a deferred copy of the message comes back (ADR 0028). Each try is its own transaction; nothing is
    /// held between tries. A pair found busy is deferred at once, as before: its other load may run for minutes.
    /// </summary>
    public async Task<LoadResult> LoadWaitingForSlotAsync(LoadMessage message, CancellationToken hostCancelled)
    {
        var budget = TimeSpan.FromSeconds(options.Value.SlotWaitSeconds);
        var waited = Stopwatch.StartNew();
        for (var busyTries = 1; ; busyTries++)
        {
            var result = await LoadAsync(message, hostCancelled);
            if (!result.NoSlotFree)
            {
                return result with { SlotWaited = waited.Elapsed };
            }

            var pause = SlotWait.Pause(busyTries, Random.Shared);
            if (waited.Elapsed + pause > budget)
            {
                return result with { SlotWaited = waited.Elapsed };
            }

            logger.LoadSlotsBusy(message.SnapshotId, busyTries, Math.Round(pause.TotalMilliseconds));
            await Task.Delay(pause, hostCancelled);
        }
    }

    /// <summary>
    /// One try: a free slot, then the load in one transaction; <see cref="LoadResult.Deferred"/> (with
    /// <see cref="LoadResult.NoSlotFree"/>) at once when every slot is busy.
    /// </summary>
    public async Task<LoadResult> LoadAsync(LoadMessage message, CancellationToken hostCancelled)
    {
        // The load's own deadline fires before the host's functionTimeout (checked at start-up), so the load, not the
        // host, decides how it ends, and says so in the snapshot's status.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(hostCancelled);
        deadline.CancelAfter(TimeSpan.FromSeconds(options.Value.MaxLoadSeconds));
        var ct = deadline.Token;

        // One transaction from the slot to the outcome: the slot and the pair lock are transaction-level advisory locks
        // (ADR 0020), so they hold through a transaction pooler and end with the transaction however it ends. Every way
        // out that does not commit rolls back when the transaction is disposed, which gives both locks back.
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await SetLoadSettingsAsync(connection, transaction, ct);
        var slot = await LoadSlots.TryAcquireAsync(connection, transaction, options.Value.MaxConcurrentLoads, ct);
        if (slot is null)
        {
            return new LoadResult(LoadResult.Deferred, null, Reason: "no load slot free") { NoSlotFree = true };
        }

        metrics?.LoadStarted();
        try
        {
            return await LoadInSlotAsync(connection, transaction, message, hostCancelled, ct);
        }
        finally
        {
            metrics?.LoadEnded();
        }
    }

    /// <summary>
    /// The load's limits, for this transaction only (SET LOCAL). Through a transaction pooler the server connection is
    /// another client's after the commit, and no startup option reaches it (CentralDatabase), so what the load relies on
    /// is set here: the idle-in-transaction timeout and the client check that end a vanished load's transaction (and
    /// with it its locks), and temp_buffers for the staging table. temp_buffers can only be set before the session's
    /// first temporary table, and a pooled server connection may have had one in an earlier load: it is set only while
    /// the session has no temporary schema yet (pg_my_temp_schema() = 0), so the statement can never fail.
    /// </summary>
    private Task SetLoadSettingsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var limits = options.Value;
        return connection.ExecuteAsync(new CommandDefinition(
            $"SET LOCAL lock_timeout = {limits.LockTimeoutSeconds * 1000}; SET LOCAL statement_timeout = {limits.StatementTimeoutSeconds * 1000}; " +
            $"SET LOCAL work_mem = '{limits.WorkMemMB}MB'; " +
            $"SET LOCAL idle_in_transaction_session_timeout = {CentralDatabase.IdleInTransactionSeconds * 1000}; " +
            $"SET LOCAL client_connection_check_interval = {CentralDatabase.ClientCheckSeconds * 1000}; " +
            $"SELECT set_config('temp_buffers', '{limits.TempBuffersMB}MB', true) WHERE pg_my_temp_schema() = 0",
            transaction: transaction, cancellationToken: ct));
    }

    private async Task<LoadResult> LoadInSlotAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, LoadMessage message, CancellationToken hostCancelled, CancellationToken ct)
    {
        // Everything but the id comes from the bookkeeping row: a message can only say which snapshot to load.
        var found = await _ledger.FindLoadTargetAsync(connection, message.SnapshotId, ct, transaction);
        if (found is null)
        {
            logger.SnapshotUnknown(message.SnapshotId);
            return new LoadResult("unknown", null, ProblemCodes.UnknownSnapshot, "No such snapshot.", AlreadyFinal: true);
        }

        if (!SnapshotLifecycle.LoadableFrom.Contains(found.Status))
        {
            logger.SnapshotAlreadyFinal(message.SnapshotId, found.Status);
            return new LoadResult(found.Status, null, AlreadyFinal: true);
        }

        // Another load of this (site, list) is running: come back later rather than hold a slot while waiting for it.
        // The caller's rollback gives the slot back.
        if (!await PairLocks.TryAcquireAsync(connection, transaction, found.Site, found.List, ct))
        {
            return new LoadResult(LoadResult.Deferred, null, Reason: "another load of its pair is running");
        }

        // A changes or key-set delivery taken from the queue before an earlier one of its pair it must follow: come back
        // later rather than be applied out of turn (DeliveryOrder). Status and attempt count stay as they were.
        if (await DeliveryOrder.MustWaitAsync(connection, transaction, message.SnapshotId, found, options.Value.DeliveryOrderWaitSeconds, ct))
        {
            return new LoadResult(LoadResult.Deferred, null, Reason: "waiting for an earlier delivery of its pair to load");
        }

        return await LoadPairAsync(connection, transaction, message, hostCancelled, ct);
    }

    private async Task<LoadResult> LoadPairAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, LoadMessage message, CancellationToken hostCancelled, CancellationToken ct)
    {
        // Marked loading only now, under the pair lock: a deferred delivery leaves the status and attempt count as they
        // were. On a connection of its own, committed at once (the load's transaction commits only at the end).
        var target = await _ledger.StartLoadAsync(message.SnapshotId, ct);
        if (target is null || !SnapshotLifecycle.LoadableFrom.Contains(target.Status))
        {
            return new LoadResult(target?.Status ?? "unknown", null, AlreadyFinal: true);
        }

        // A failure is recorded in this same transaction, after rolling back to here: the slot and pair locks taken
        // before the savepoint stay held until the outcome is written (https://www.postgresql.org/docs/current/sql-rollback-to.html).
        await transaction.SaveAsync(LoadSavepoint, ct);
        ListDefinition? list = null;
        try
        {
            var queueWait = DateTimeOffset.UtcNow - target.ReceivedAt;
            list = await DefinitionAsync(target, ct);
            var result = await ApplyAsync(connection, transaction, message.SnapshotId, target, list, ct);
            Report(message.SnapshotId, target, queueWait, result);
            return result;
        }
        catch (Exception ex) when (LoadErrors.AsPermanent(ex, Identifiers(target.List, list)) is { } permanent)
        {
            await RecordOutcomeAsync(transaction, message.SnapshotId, SnapshotOutcome.Rejected(permanent.Code, permanent.Message));
            logger.SnapshotRejected(message.SnapshotId.ToString("D"), "load", target.Site, target.List, permanent.Code, FailureCategories.SnapshotRejected);
            return new LoadResult(SnapshotStatuses.Rejected, null, permanent.Code, permanent.Message);
        }
        catch (Exception ex)
        {
            // Every way out leaves a truthful status: a transient error, the load's own deadline, or the host stopping it.
            var code = LoadErrors.FailedCode(ex, hostCancelled.IsCancellationRequested);
            var reason = code switch
            {
                SnapshotErrorCodes.Cancelled => "The load was stopped before it finished (the instance was shutting down); it will be retried.",
                SnapshotErrorCodes.LoadTimeout => $"The load took longer than Load:MaxLoadSeconds ({options.Value.MaxLoadSeconds} s); it will be retried.",
                _ => LoadErrors.DescribeTransient(ex),
            };
            await RecordOutcomeAsync(transaction, message.SnapshotId, SnapshotOutcome.Failed(code, reason));
            throw;
        }
    }

    /// <summary>
    /// Records a load's failure: in its own transaction, rolled back to the savepoint (its work undone, its locks kept)
    /// and committed; when that transaction is unusable (the connection broke), rolled back, which frees its locks and
    /// the snapshot's row, and then on a connection of its own. Best effort: when the database is the thing that is
    /// down, the retry records the outcome.
    /// </summary>
    private async Task RecordOutcomeAsync(NpgsqlTransaction transaction, Guid snapshotId, SnapshotOutcome outcome)
    {
        using var bookkeeping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        if (transaction.Connection is { } connection)
        {
            try
            {
                await transaction.RollbackAsync(LoadSavepoint, bookkeeping.Token);
                await _ledger.FinishAsync(connection, transaction, snapshotId, outcome, bookkeeping.Token);
                await transaction.CommitAsync(bookkeeping.Token);
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException or InvalidOperationException)
            {
                // The transaction is unusable: recorded below, after it is gone.
            }
        }

        await transaction.DisposeAsync();

        try
        {
            using var again = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _ledger.FinishAsync(snapshotId, outcome, again.Token);
        }
        catch (Exception down) when (down is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            // The database is the thing that is down; the retry will record the outcome.
        }
    }

    /// <summary>The business event and metrics of a load that ran to an outcome (loaded, held or skipped).</summary>
    private void Report(Guid snapshotId, LoadTarget target, TimeSpan queueWait, LoadResult result)
    {
        switch (result.Status)
        {
            case SnapshotStatuses.Loaded when result.Rows is { } rows:
                var phases = result.Phases ?? new LoadPhases(0, 0, 0);
                var seconds = (phases.CopyMs + phases.DiffMs + phases.WriteMs) / 1000.0;
                logger.SnapshotLoaded(snapshotId, result.Path, target.DeliveryKind, target.Site, target.List, target.ListVersion,
                    rows.Inserted, rows.Updated, rows.Deleted, rows.Unchanged, Math.Round(queueWait.TotalSeconds, 3), seconds);
                metrics?.Loaded(target.List, target.DeliveryKind, queueWait, phases.CopyMs / 1000.0, phases.DiffMs / 1000.0, phases.WriteMs / 1000.0, rows);
                break;
            case SnapshotStatuses.Held:
                logger.SnapshotHeld(snapshotId, target.Site, target.List, result.ErrorCode ?? string.Empty, result.Rows?.Deleted ?? 0, result.Rows?.Before ?? 0);
                break;
            case SnapshotStatuses.Skipped:
                logger.SnapshotSkipped(snapshotId, target.Site, target.List, result.ErrorCode ?? string.Empty);
                break;
        }
    }

    /// <summary>Names a rejection reason may keep: the list's table and every column of its stored versions, the staging table.</summary>
    private static HashSet<string> Identifiers(string name, ListDefinition? list)
    {
        var names = new HashSet<string>(StringComparer.Ordinal) { name, $"lists.{name}", $"staging.{name}", "staging", "stage", $"{name}_pkey" };
        names.UnionWith(list?.ColumnNames ?? []);
        return names;
    }

    /// <summary>The list version the snapshot was checked against at ingest; the active one for a row recorded before versions were.</summary>
    private async Task<ListDefinition> DefinitionAsync(LoadTarget target, CancellationToken ct) =>
        target.ListVersion is { } version
            ? await lists.FindVersionAsync(target.List, version, ct)
              ?? throw new PermanentLoadException(SnapshotErrorCodes.UnknownListVersion, $"Version {version} of list '{target.List}', which this snapshot was checked against, is no longer stored on the server.")
            : await lists.FindAsync(target.List, ct)
              ?? throw new PermanentLoadException(ProblemCodes.UnknownList, $"List '{target.List}' is not active on the server.");

    private async Task<LoadResult> ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid snapshotId, LoadTarget target, ListDefinition list, CancellationToken ct)
    {
        var sql = new MergeSql(list, target.DeliveryKind);
        var site = target.Site;
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT set_config('ingest.site_id', @site, true), set_config('ingest.snapshot_id', @snapshotId::text, true)",
            new { site, snapshotId }, transaction, cancellationToken: ct));

        // The pair lock (taken by the caller) keeps other loads of this (site, list) out; the row lock orders this
        // load against an operator's decision on the same snapshot.
        var status = await _ledger.LockForLoadAsync(connection, transaction, snapshotId, ct);
        if (status is null || status != SnapshotStatuses.Loading)
        {
            return new LoadResult(status ?? "unknown", null, AlreadyFinal: true);
        }

        // An append delivery adds its own rows whenever it comes; any other kind describes the source at its extraction,
        // so one older than what is loaded would put older data over newer.
        var newer = target.DeliveryKind == DeliveryKinds.Append ? null : await _ledger.FindNewerLoadedAsync(connection, transaction, snapshotId, site, target.List, ct);
        if (newer is { } newerId)
        {
            var reason = $"A snapshot extracted later ({newerId}) is already loaded; this older one was not applied.";
            await _ledger.FinishAsync(connection, transaction, snapshotId, SnapshotOutcome.Skipped(SnapshotErrorCodes.OlderSnapshot, reason), ct);
            await transaction.CommitAsync(ct);
            return new LoadResult(SnapshotStatuses.Skipped, null, SnapshotErrorCodes.OlderSnapshot, reason);
        }

        var sameAsLoaded = await _ledger.RowsIfSameAsLoadedAsync(connection, transaction, snapshotId, site, target.List, ct);

        // The same bytes as the loaded snapshot say nothing about central once it was restored or emptied behind the
        // backend: a snapshot-mode list takes that shortcut only while its held digest says central still holds them.
        if (sameAsLoaded is not null && list.LoadMode == LoadModes.Snapshot && !await HeldDigests.StillHeldAsync(connection, transaction, site, list, ct))
        {
            sameAsLoaded = null;
        }

        // The held digest a load keeps up to date from what it writes, instead of reading every row of the site again:
        // only a whole snapshot of a snapshot-mode list, not a released hold, and only while the digest is valid.
        // Otherwise (null) the digest is recomputed from the rows after the write, as on a first load.
        var keptDigest = list.LoadMode == LoadModes.Snapshot && target.DeliveryKind == DeliveryKinds.Snapshot && !target.HoldReleased
            ? await HeldDigests.KeepableAsync(connection, transaction, site, list, ct)
            : null;

        if (sameAsLoaded is { } unchangedRows)
        {
            // Byte-identical to the snapshot already applied, and the same kind: every row is unchanged, nothing to read or write.
            await RecordLoadedAsync(connection, transaction, snapshotId, target, list, new SnapshotRowCounts(0, 0, 0, unchangedRows), keptDigest, ct);
            await transaction.CommitAsync(ct);
            return new LoadResult(SnapshotStatuses.Loaded, new SnapshotRowCounts(0, 0, 0, unchangedRows)) { Phases = new LoadPhases(0, 0, 0), Path = "identical" };
        }

        if (sql.CopyIntoTable is { } copyIntoTable
            && !await connection.ExecuteScalarAsync<bool>(new CommandDefinition(sql.HasRows, new { site }, transaction, cancellationToken: ct)))
        {
            var (firstRows, firstPhases) = await FirstLoadAsync(connection, transaction, sql, copyIntoTable, site, target.Blob, ct);
            await RecordLoadedAsync(connection, transaction, snapshotId, target, list, firstRows, null, ct);
            await transaction.CommitAsync(ct);
            return new LoadResult(SnapshotStatuses.Loaded, firstRows) { Phases = firstPhases, Path = "first-load" };
        }

        var merge = await MergeAsync(connection, transaction, sql, snapshotId, target, keptDigest is not null, ct);
        if (merge.Hold is { } hold)
        {
            // The blob must outlive the storage lifecycle rule while the operator decides: copied out of the rule's
            // prefixes before the hold is recorded (a failed copy is a transient failure, retried), the original
            // removed once it is. A retry repeats the copy over itself.
            var heldBlob = SnapshotStore.HeldName(target.Blob);
            await store.CopyAsync(target.Blob, heldBlob, ct);
            await _ledger.RecordHeldAsync(connection, transaction, snapshotId, merge.Rows, hold.Code, hold.Reason, heldBlob, ct);
            await transaction.CommitAsync(ct);
            if (heldBlob != target.Blob)
            {
                await DeleteLeftBlobAsync(target.Blob);
            }

            return new LoadResult(SnapshotStatuses.Held, merge.Rows, hold.Code, hold.Reason) { Phases = merge.Phases, Path = SnapshotStatuses.Held };
        }

        var digest = keptDigest is { } kept && merge.Added is { } added && merge.Removed is { } removed ? kept.Apply(added, removed) : (DigestTerms?)null;
        await RecordLoadedAsync(connection, transaction, snapshotId, target, list, merge.Rows, digest, ct);
        await transaction.CommitAsync(ct);
        return new LoadResult(SnapshotStatuses.Loaded, merge.Rows) { Phases = merge.Phases, Path = "merge" };
    }

    /// <summary>loading → loaded inside the load's transaction, and the delivery's cursor (or key set) acknowledged with it.</summary>
    private async Task RecordLoadedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid snapshotId, LoadTarget target, ListDefinition list, SnapshotRowCounts rows, DigestTerms? keptDigest, CancellationToken ct)
    {
        await _ledger.RecordLoadedAsync(connection, transaction, snapshotId, rows, ct);

        // What central now holds for the pair: the next unchanged delivery is checked against it
        // (docs/adr/0024-unchanged-deliveries.md). Snapshot-mode lists only. The held digest kept up to date by this
        // load's writes when there is one (nothing written: the same digest, only this delivery's bookkeeping);
        // otherwise from the rows themselves, in a step of its own after the write.
        if (list.LoadMode == LoadModes.Snapshot && target.DeliveryKind == DeliveryKinds.Snapshot)
        {
            if (keptDigest is { } digest)
            {
                await HeldDigests.RecordAsync(connection, transaction, target.Site, list, snapshotId, digest, ct);
            }
            else
            {
                await HeldDigests.RecordAsync(connection, transaction, target.Site, list, snapshotId, ct);
            }
        }

        await _cursors.RecordAsync(connection, transaction, target.Site, target.List, snapshotId, target.DeliveryKind, target.Cursor, CursorColumn.TypeOf(list), ct);
    }

    /// <summary>The original of a held blob; if it cannot be deleted now, the lifecycle rule deletes it in its time.</summary>
    private async Task DeleteLeftBlobAsync(string blob)
    {
        try
        {
            using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await store.DeleteIfExistsAsync(blob, quick.Token);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or OperationCanceledException or IOException)
        {
            logger.LogDebug(ex, "The original of a held snapshot's blob stays until the lifecycle rule deletes it.");
        }
    }

    /// <summary>Nothing of this (site, list) yet: COPY straight into the table (site and snapshot ids are column defaults).</summary>
    private async Task<(SnapshotRowCounts, LoadPhases)> FirstLoadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, MergeSql sql, string copyIntoTable, string site, string blob, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await CopyBlobAsync(connection, copyIntoTable, blob, ct);
        var inserted = await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql.CountSite, new { site }, transaction, commandTimeout: 0, cancellationToken: ct));
        return (new SnapshotRowCounts(inserted, 0, 0, 0), new LoadPhases(clock.ElapsedMilliseconds, 0, 0));
    }

    /// <summary>
    /// Stage, find what the delivery changes against the site's rows, check the guard, then write only the differences.
    /// A held delivery writes nothing to the list's table. A whole snapshot's unchanged rows are the staged rows it does
    /// not write; any other kind's are the site's rows it does not touch (counted before writing), so every load's
    /// counts still give the site's rows before and after it, as the guard's window reads them.
    /// </summary>
    private async Task<MergeOutcome> MergeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, MergeSql sql, Guid snapshotId, LoadTarget target, bool keepDigest, CancellationToken ct)
    {
        CommandDefinition Command(string text) => new(text, new { site = target.Site, snapshotId }, transaction, commandTimeout: 0, cancellationToken: ct);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (sql.CreateStage is { } createStage)
        {
            await connection.ExecuteAsync(Command(createStage));
        }

        await CopyBlobAsync(connection, sql.CopyIntoStage, target.Blob, ct);
        var copyMs = clock.ElapsedMilliseconds;
        if (sql.FindDuplicateKey is { } findDuplicate && await connection.ExecuteScalarAsync<int?>(Command(findDuplicate)) is not null)
        {
            throw new PermanentLoadException(SnapshotErrorCodes.DuplicateKey, "Two rows of the snapshot have the same key. Check the list's SQL.");
        }

        foreach (var statement in sql.CreateDelta)
        {
            await connection.ExecuteAsync(Command(statement));
        }

        // Unchanged: the staged rows a whole snapshot does not write, or the site's rows another kind does not touch.
        var whole = target.DeliveryKind == DeliveryKinds.Snapshot;
        var baseline = await connection.ExecuteScalarAsync<long>(Command(whole ? sql.CountStage : sql.CountSite));
        var (toInsert, toUpdate, toDelete) = await connection.QuerySingleAsync<(long, long, long)>(Command(sql.CountDelta));
        var diffMs = clock.ElapsedMilliseconds - copyMs;
        var planned = new SnapshotRowCounts(toInsert, toUpdate, toDelete, whole ? baseline - toInsert - toUpdate : baseline - toUpdate - toDelete);
        var windowMax = target.HoldReleased || planned.Deleted == 0
            ? null
            : await _ledger.MaxLoadedRowsInWindowAsync(connection, transaction, snapshotId, target.Site, target.List, options.Value.HoldWindowDays, ct);
        if (!target.HoldReleased && DeletionGuard.Check(planned, windowMax, options.Value) is { } hold)
        {
            // Held: the transaction commits the hold, so this load's staged rows go first.
            await connection.ExecuteAsync(Command(sql.ClearStage));
            return new MergeOutcome(planned, new LoadPhases(copyMs, diffMs, 0), hold);
        }

        if (keepDigest)
        {
            // The same writes, each read back through RETURNING as the digest terms of exactly the rows it removed or
            // wrote; the updated rows' old values are read by key first. Nothing to write: no digest work at all.
            var nothing = toInsert + toUpdate + toDelete == 0;
            async Task<DigestTerms> TermsAsync(string? statement)
            {
                if (statement is null || nothing)
                {
                    return default;
                }

                var (count, high, low) = await connection.QuerySingleAsync<(long, long, long)>(Command(statement));
                return DigestTerms.FromSql(count, high, low);
            }

            var before = await TermsAsync(sql.UpdatedBefore);
            var gone = await TermsAsync(sql.DeleteDigest);
            var changed = await TermsAsync(sql.UpdateDigest);
            var added = await TermsAsync(sql.InsertDigest);
            await connection.ExecuteAsync(Command(sql.ClearStage));
            var kept = new SnapshotRowCounts(added.Rows, changed.Rows, gone.Rows, whole ? baseline - added.Rows - changed.Rows : baseline - changed.Rows - gone.Rows);
            return new MergeOutcome(kept, new LoadPhases(copyMs, diffMs, clock.ElapsedMilliseconds - copyMs - diffMs), null, added.Plus(changed), gone.Plus(before));
        }

        var deleted = sql.Delete is { } delete ? await connection.ExecuteAsync(Command(delete)) : 0;
        var updated = sql.Update is { } update ? await connection.ExecuteAsync(Command(update)) : 0;
        var inserted = sql.Insert is { } insert ? await connection.ExecuteAsync(Command(insert)) : 0;

        // The staged rows and the delta are this load's only: gone with its commit (an unlogged table's delete writes no WAL).
        await connection.ExecuteAsync(Command(sql.ClearStage));
        var rows = new SnapshotRowCounts(inserted, updated, deleted, whole ? baseline - inserted - updated : baseline - updated - deleted);
        return new MergeOutcome(rows, new LoadPhases(copyMs, diffMs, clock.ElapsedMilliseconds - copyMs - diffMs), null);
    }

    /// <summary>Streams blob → gunzip → strict UTF-8 → COPY, never holding the snapshot in memory.</summary>
    private async Task CopyBlobAsync(NpgsqlConnection connection, string copySql, string blobName, CancellationToken ct)
    {
        await using var blob = await store.OpenReadAsync(blobName, ct);
        await using var gzip = new GZipStream(blob, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, StrictUtf8, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);
        var writer = (NpgsqlCopyTextWriter)await connection.BeginTextImportAsync(copySql, ct);
        try
        {
            var buffer = new char[1 << 15];
            int read;
            while ((read = await reader.ReadAsync(buffer, ct)) > 0)
            {
                await writer.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }
        catch
        {
            await writer.CancelAsync();
            await writer.DisposeAsync();
            throw;
        }

        await writer.DisposeAsync();
    }
}
