using System.IO.Compression;
using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Extraction;
using PecLists.Uploader.Localization;
using PecLists.Uploader.Output;
using PecLists.Uploader.Pipeline;
using PecLists.Uploader.Spooling;
using PecLists.Uploader.Transport;
using Npgsql;

namespace PecLists.Uploader.Commands;

/// <summary>
/// One scheduled run: send what is still spooled first, then for each list extract → spool → upload → delete.
/// Whatever cannot be sent stays spooled for the next run. Never logs row content.
/// </summary>
public sealed class RunCommand(UploaderConfig config, TextWriter log, TerminalProgress? progress = null)
{
    /// <summary>gzip "optimal": 3.6× instead of 2.3× for "fastest" at ~46 MB/s of CSV (docs/benchmarks.md).</summary>
    public const CompressionLevel DefaultCompression = CompressionLevel.Optimal;

    /// <summary>The current site's first failure category (contracts' FailureCategories), reported in its heartbeat.</summary>
    private string? _category;

    public async Task<int> ExecuteAsync(CancellationToken ct)
    {
        if (config.ListSigningKeyBytes() is null)
        {
            Log(Localized.Text(
                "no valid 'listSigningKey' in the config: nothing runs until 'uploader install --list-signing-key <the operator's public key>' pins it",
                "não há 'listSigningKey' válida na configuração: nada é executado até que 'uploader install --list-signing-key <a chave pública do operador>' a registre"));
            return ExitCodes.Config;
        }

        var spool = new Spool(config.SpoolDirectory);
        using var runLock = RunLock.TryAcquire(spool.Root);
        if (runLock is null)
        {
            Log(Localized.Text(
                "another run is already in progress on this machine; this one stops without doing anything",
                "outra execução já está em andamento nesta máquina; esta termina sem fazer nada"));
            return ExitCodes.Busy;
        }

        var state = SpoolState.Load(spool.Root);
        var quarantined = spool.QuarantinePartials();
        state.Quarantined += quarantined;
        if (quarantined > 0)
        {
            Log(Localized.Text(
                $"moved {quarantined} interrupted spool file(s) to {spool.QuarantineDirectory}",
                $"{quarantined} arquivo(s) interrompido(s) da fila local movido(s) para {spool.QuarantineDirectory}"));
        }

        using var backend = new BackendClient(config.Endpoint, config.Upload);
        var worst = ExitCodes.Ok;
        foreach (var site in config.Sites)
        {
            var refused = new List<RefusedDefinition>();
            _category = null;
            var siteResult = await RunSiteAsync(site, spool, state, backend, refused, ct);
            worst = Worse(worst, siteResult);
            state.Save(spool.Root);
            if (await SendHeartbeatAsync(site, spool, backend, siteResult, state, refused, ct))
            {
                state = state.Reported(site.Ibge); // reported: start counting again
            }

            state.Save(spool.Root);
        }

        Log(worst == ExitCodes.Ok
            ? Localized.Text("run finished: everything sent", "execução concluída: tudo enviado")
            : Localized.Text($"run finished with problems (exit code {worst})", $"execução concluída com problemas (código de saída {worst})"));
        return worst;
    }

    private async Task<int> RunSiteAsync(SiteConfig site, Spool spool, SpoolState state, BackendClient backend, List<RefusedDefinition> refused, CancellationToken ct)
    {
        var result = ExitCodes.Ok;
        var superseded = spool.DropSuperseded(site.Ibge);
        state.Superseded += superseded;
        if (superseded > 0)
        {
            Log(Localized.Text(
                $"site {site.Ibge}: dropped {superseded} older spooled snapshot(s); only the newest of each list is sent",
                $"município {site.Ibge}: {superseded} envio(s) antigo(s) descartado(s) da fila local; só o mais recente de cada lista é enviado"));
        }

        foreach (var pending in spool.Pending(site.Ibge))
        {
            if (!await Spool.IsIntactAsync(pending, ct))
            {
                spool.Quarantine(pending);
                state.Quarantined++;
                Log(Localized.Text(
                    $"site {site.Ibge}: spooled snapshot {pending.SnapshotId} of {pending.List} is damaged; moved to {spool.QuarantineDirectory}",
                    $"município {site.Ibge}: o envio {pending.SnapshotId} de {pending.List} na fila local está danificado; movido para {spool.QuarantineDirectory}"));
                continue;
            }

            Log(Localized.Text(
                $"site {site.Ibge}: sending spooled snapshot {pending.SnapshotId} of {pending.List}",
                $"município {site.Ibge}: enviando {pending.SnapshotId} de {pending.List}, que estava na fila local"));
            result = Worse(result, await SendAsync(site, spool, backend, pending, ct));
        }

        var cached = ListCache.Load(spool.Root, site.Ibge);
        ListCatalogDto catalog;
        try
        {
            var (fresh, etag) = await backend.GetListsAsync(site.Token, cached?.ETag, ct);
            catalog = fresh ?? cached!.Catalog;
            if (fresh is not null)
            {
                new ListCache(etag, DateTimeOffset.UtcNow, fresh).Save(spool.Root, site.Ibge);
            }
        }
        catch (BackendAuthException)
        {
            Log(Localized.Text(
                $"site {site.Ibge}: the backend refused the token. Ask the operator for a new token and run 'uploader install' again.",
                $"município {site.Ibge}: o servidor central recusou o token. Peça um novo token ao operador e execute 'uploader install' novamente."));
            return Fail(ExitCodes.Token, FailureCategories.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or Polly.Timeout.TimeoutRejectedException or IOException)
        {
            Fail(ExitCodes.Network, backend.FailureCategoryOf(ex));
            if (cached is null)
            {
                Log(Localized.Text(
                    $"site {site.Ibge}: backend unreachable ({ex.Message}) and no list definitions cached yet. Check the network/proxy; the next run will try again.",
                    $"município {site.Ibge}: servidor central inacessível ({ex.Message}) e ainda não há definições de listas guardadas. Verifique a rede/proxy; a próxima execução tentará de novo."));
                return ExitCodes.Network;
            }

            // Offline: extract with the last definitions so today's data waits in the spool for the network.
            Log(Localized.Text(
                $"site {site.Ibge}: backend unreachable ({ex.Message}); using the list definitions cached at {cached.FetchedAt:yyyy-MM-dd HH:mm}",
                $"município {site.Ibge}: servidor central inacessível ({ex.Message}); usando as definições de listas guardadas em {cached.FetchedAt:dd/MM/yyyy HH:mm}"));
            catalog = cached.Catalog;
            result = ExitCodes.Network;
        }

        // Every definition is checked before any SQL runs: one not signed by the pinned key is not run; the others are.
        var (verified, notSigned) = new SignedDefinitions(config.ListSigningKeyBytes()!).Check(catalog.Lists.Where(l => config.Lists.Count == 0 || config.Lists.Contains(l.Name)));
        foreach (var definition in notSigned)
        {
            refused.Add(definition);
            Log(definition.Code == DefinitionCodes.NotSigned
                ? Localized.Text(
                    $"site {site.Ibge}: {definition.List} v{definition.Version} NOT RUN ({DefinitionCodes.Signature}): the backend serves it unsigned; this uploader runs only definitions signed by key {definition.KeyId}. Tell the operator.",
                    $"município {site.Ibge}: {definition.List} v{definition.Version} NÃO EXECUTADA ({DefinitionCodes.Signature}): o servidor central a envia sem assinatura; este uploader só executa definições assinadas pela chave {definition.KeyId}. Avise o operador.")
                : Localized.Text(
                    $"site {site.Ibge}: {definition.List} v{definition.Version} NOT RUN ({DefinitionCodes.Signature}): its signature does not verify with the pinned key {definition.KeyId} (changed after signing, or signed with another key). Tell the operator.",
                    $"município {site.Ibge}: {definition.List} v{definition.Version} NÃO EXECUTADA ({DefinitionCodes.Signature}): a assinatura não confere com a chave registrada {definition.KeyId} (alterada depois de assinada, ou assinada com outra chave). Avise o operador."));
            result = Worse(result, Fail(ExitCodes.DefinitionSignature, FailureCategories.DefinitionSignature));
        }

        // The spool shares its disk with PEC's own database: below the floor nothing is extracted (a full disk stops PEC).
        if (FreeBytes(spool.Root) is { } free && free < config.SpoolMinFreeBytes && verified.Count > 0)
        {
            Log(Localized.Text(
                $"site {site.Ibge}: only {free / (1024 * 1024):N0} MB free on the spool disk ({spool.Root}), below spoolMinFreeBytes ({config.SpoolMinFreeBytes / (1024 * 1024):N0} MB): nothing extracted. Free disk space on this server.",
                $"município {site.Ibge}: só {free / (1024 * 1024):N0} MB livres no disco da fila local ({spool.Root}), abaixo de spoolMinFreeBytes ({config.SpoolMinFreeBytes / (1024 * 1024):N0} MB): nada foi extraído. Libere espaço em disco neste servidor."));
            return Worse(result, Fail(ExitCodes.DiskFull, FailureCategories.DiskFull));
        }

        var extractor = new ListExtractor(config.Database.ConnectionString, config.Database.StatementTimeoutSeconds);
        foreach (var list in verified)
        {
            SpooledSnapshot snapshot;
            try
            {
                var extractedAt = DateTimeOffset.UtcNow;
                var snapshotId = SnapshotIds.New(extractedAt);
                ExtractResult? extracted = null;
                progress?.Start();
                snapshot = await spool.WriteAsync(site.Ibge, list.Name, snapshotId, async file =>
                    extracted = await extractor.ExtractAsync(list.Sql, file, DefaultCompression, progress is null ? null : p => progress.Extracting(list.Name, p), ct));
                Log(Localized.Format(
                    $"site {site.Ibge}: extracted {list.Name} v{list.Version}: {extracted!.Rows:N0} rows, {extracted.CompressedBytes:N0} bytes compressed in {extracted.Elapsed.TotalSeconds:F1}s",
                    $"município {site.Ibge}: {list.Name} v{list.Version} extraída: {extracted!.Rows:N0} linhas, {extracted.CompressedBytes:N0} bytes comprimidos em {extracted.Elapsed.TotalSeconds:F1}s"));
                var overCap = spool.EnforceCap(config.SpoolMaxBytes, snapshot);
                state.OverCap += overCap;
                if (overCap > 0)
                {
                    Log(Localized.Text(
                        $"site {site.Ibge}: spool over {config.SpoolMaxBytes} bytes; dropped the {overCap} oldest pending snapshot(s)",
                        $"município {site.Ibge}: fila local acima de {config.SpoolMaxBytes} bytes; {overCap} envio(s) pendente(s) mais antigo(s) descartado(s)"));
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                Log(Localized.Text(
                    $"site {site.Ibge}: could not extract {list.Name}: {DescribeDatabaseError(ex)}",
                    $"município {site.Ibge}: não foi possível extrair {list.Name}: {DescribeDatabaseError(ex)}"));
                result = Worse(result, Fail(ExitCodes.Database, SourceFailureCategory(ex)));
                continue;
            }
            catch (IOException ex) when (IsDiskFull(ex))
            {
                Log(Localized.Text(
                    $"site {site.Ibge}: the spool disk ({spool.Root}) is full: {list.Name} not extracted. Free disk space on this server.",
                    $"município {site.Ibge}: o disco da fila local ({spool.Root}) está cheio: {list.Name} não foi extraída. Libere espaço em disco neste servidor."));
                result = Worse(result, Fail(ExitCodes.DiskFull, FailureCategories.DiskFull));
                continue;
            }

            result = Worse(result, await SendAsync(site, spool, backend, snapshot, ct));
        }

        return result;
    }

    private async Task<int> SendAsync(SiteConfig site, Spool spool, BackendClient backend, SpooledSnapshot snapshot, CancellationToken ct)
    {
        progress?.Start();
        var upload = await backend.UploadAsync(site.Token, snapshot, ct, progress is null ? null : (sent, total) => progress.Sending(snapshot.List, sent, total));
        switch (upload.Outcome)
        {
            case UploadOutcome.Accepted:
                Spool.Delete(snapshot);
                SentLog.Append(spool.Root, new SentSnapshot(site.Ibge, snapshot.List, snapshot.SnapshotId, DateTimeOffset.UtcNow));
                Log(Localized.Text(
                    $"site {site.Ibge}: {snapshot.List} snapshot {snapshot.SnapshotId} accepted",
                    $"município {site.Ibge}: envio {snapshot.SnapshotId} de {snapshot.List} aceito"));
                return ExitCodes.Ok;
            case UploadOutcome.Unauthorized:
                Log(Localized.Text(
                    $"site {site.Ibge}: token refused ({(int?)upload.Status}); snapshot kept in the spool. Ask the operator for a new token.",
                    $"município {site.Ibge}: token recusado ({(int?)upload.Status}); o envio continua na fila local. Peça um novo token ao operador."));
                return Fail(ExitCodes.Token, FailureCategories.Token);
            case UploadOutcome.Rejected:
                spool.Quarantine(snapshot);
                Log(Localized.Text(
                    $"site {site.Ibge}: {snapshot.List} snapshot {snapshot.SnapshotId} rejected ({(int?)upload.Status} {upload.Code}): {upload.Detail}. Moved to quarantine.",
                    $"município {site.Ibge}: envio {snapshot.SnapshotId} de {snapshot.List} recusado ({(int?)upload.Status} {upload.Code}): {upload.Detail}. Movido para a quarentena."));
                return Fail(ExitCodes.Rejected, FailureCategories.SnapshotRejected);
            case UploadOutcome.Unreachable when upload.Status is { } status:
                // The backend answered, but cannot take it now (503 dependency-unavailable, 429, 5xx): say what it said.
                Log(Localized.Text(
                    $"site {site.Ibge}: the backend cannot take {snapshot.List} now ({(int)status} {upload.Code}): {upload.Detail} Snapshot kept in the spool for the next run.",
                    $"município {site.Ibge}: o servidor central não pode receber {snapshot.List} agora ({(int)status} {upload.Code}): {upload.Detail} O envio fica na fila local para a próxima execução."));
                return Fail(ExitCodes.Network, FailureCategories.BackendError);
            default:
                Log(Localized.Text(
                    $"site {site.Ibge}: backend unreachable for {snapshot.List} ({upload.Code}); snapshot kept in the spool for the next run.",
                    $"município {site.Ibge}: servidor central inacessível para {snapshot.List} ({upload.Code}); o envio fica na fila local para a próxima execução."));
                return Fail(ExitCodes.Network, upload.Code ?? FailureCategories.Network);
        }
    }

    /// <summary>After each site's run: outcome, error category and spool state, so silent failures are visible centrally.</summary>
    private async Task<bool> SendHeartbeatAsync(SiteConfig site, Spool spool, BackendClient backend, int result, SpoolState state, IReadOnlyList<RefusedDefinition> refused, CancellationToken ct)
    {
        var ranAt = DateTimeOffset.UtcNow;
        var errorCode = result == ExitCodes.Ok ? null : _category ?? ExitCodes.CategoryOf(result);
        var outcome = Heartbeats.Outcome(errorCode);
        var heartbeat = Heartbeats.ForRun(
            ranAt, errorCode, databaseReachable: result != ExitCodes.Database, spool.Pending(site.Ibge).Count, state.Dropped, FreeBytes(spool.Root),
            refused, [.. state.UnreportedFor(site.Ibge)]);
        if (await backend.SendHeartbeatAsync(site.Token, heartbeat, ct))
        {
            return true;
        }

        // Told with the next heartbeat that arrives, so a site cut off for days is not mistaken for one switched off.
        state.RecordUnreported(site.Ibge, new UnreportedRun(ranAt, outcome, errorCode));

        Log(Localized.Text(
            $"site {site.Ibge}: heartbeat not delivered (the backend is unreachable or refused it)",
            $"município {site.Ibge}: sinal de vida (heartbeat) não entregue (servidor central inacessível ou recusou)"));
        return false;
    }

    /// <summary>What an extraction failure means for the operator: the query's own problem (schema, timeout) or the database's.</summary>
    public static string SourceFailureCategory(Exception ex) => ex switch
    {
        PostgresException { SqlState: "57014" } => FailureCategories.ExtractTimeout,
        TimeoutException => FailureCategories.ExtractTimeout,

        // undefined table, column, function, schema: the PEC database lacks what the list reads.
        PostgresException { SqlState: "42P01" or "42703" or "42883" or "3F000" } => FailureCategories.SourceSchema,
        _ => FailureCategories.SourceDatabase,
    };

    /// <summary>ENOSPC (Linux) or ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL (Windows).</summary>
    private static bool IsDiskFull(IOException ex) => (ex.HResult & 0xFFFF) is 28 or 112 or 39;

    /// <summary>Records the site's first failure category and returns the exit code, so each failure site says both at once.</summary>
    private int Fail(int exitCode, string category)
    {
        _category ??= category;
        return exitCode;
    }

    private static long? FreeBytes(string path)
    {
        try
        {
            Directory.CreateDirectory(path);
            return new DriveInfo(Path.GetFullPath(path)).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    private static string DescribeDatabaseError(Exception ex) => ex switch
    {
        PostgresException pg when pg.SqlState == "57014" => Localized.Text(
            "the query hit the statement timeout; raise database.statementTimeoutSeconds or run outside busy hours",
            "a consulta excedeu o tempo limite; aumente database.statementTimeoutSeconds ou execute fora do horário de pico"),
        PostgresException pg when pg.SqlState.StartsWith("28", StringComparison.Ordinal) => Localized.Text(
            "the database refused the login; check the user and password in the config",
            "o banco de dados recusou o login; confira o usuário e a senha na configuração"),
        PostgresException pg => Localized.Text($"database error {pg.SqlState}", $"erro do banco de dados {pg.SqlState}"),
        _ => Localized.Text(
            $"database unreachable ({TransportCause(ex)}); check that the PEC database is running and the connection settings",
            $"banco de dados inacessível ({TransportCause(ex)}); confira se o banco do PEC está em execução e os dados de conexão"),
    };

    /// <summary>
    /// The innermost cause of a connection failure ("Connection refused", "Timeout during reading attempt"), so the
    /// log says which of refused, timed out or reset it was. Transport messages carry addresses, never row data.
    /// </summary>
    private static string TransportCause(Exception ex)
    {
        var inner = ex;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return $"{inner.GetType().Name}: {inner.Message}";
    }

    private static int Worse(int a, int b) => a == ExitCodes.Ok ? b : a;

    private void Log(string message)
    {
        progress?.Clear();
        log.WriteLine($"{DateTimeOffset.Now:yyyy-MM-dd HH:mm:ss} {message}");
    }
}
