using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using HostStandIn;
using Npgsql;
using SyntheticPec;
using PecLists.Contracts;

namespace LocalInfra;

/// <summary>
/// The whole system on this machine: a central PostgreSQL, a "municipal" PostgreSQL holding one PEC-shaped database
/// per municipality, Azurite, and the function app: the custom handler as a child process behind the host stand-in,
/// which forwards HTTP and drives the queue trigger as the Functions host does.
/// Used by the demo and the end-to-end tests; everything it starts is stopped and deleted on dispose.
/// </summary>
public sealed class LocalPipeline : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly LocalPipelineOptions _options;
    private readonly string _workDirectory = Directory.CreateTempSubdirectory("pipeline-").FullName;
    private readonly List<string> _previousLogs = [];
    private int _publicPort;

    private LocalPipeline(LocalPipelineOptions options) => _options = options;

    public PostgresServer Central { get; private set; } = null!;

    public PostgresServer Municipal { get; private set; } = null!;

    public AzuriteServer Storage { get; private set; } = null!;

    /// <summary>The relay between sites and Azurite's blob port, with <see cref="LocalPipelineOptions.SiteBlobRelay"/>; else null.</summary>
    public ThrottlingRelay? BlobRelay { get; private set; }

    /// <summary>The Functions host stand-in running the function app (its <c>Log</c> holds the handler's output too).</summary>
    public FunctionsHostStandIn Host { get; private set; } = null!;

    public Uri Endpoint { get; private set; } = null!;

    public string CentralConnection => Central.ConnectionString("central");

    public static async Task<LocalPipeline> StartAsync(LocalPipelineOptions? options = null, CancellationToken ct = default)
    {
        var pipeline = new LocalPipeline(options ?? new LocalPipelineOptions());
        try
        {
            await pipeline.StartCoreAsync(ct);
        }
        catch
        {
            await pipeline.DisposeAsync();
            throw;
        }

        return pipeline;
    }

    private async Task StartCoreAsync(CancellationToken ct)
    {
        var central = PostgresServer.StartAsync(durable: _options.DurableCentral, settings: _options.CentralSettings, cancellationToken: ct);
        var municipal = PostgresServer.StartAsync(cancellationToken: ct);
        var storage = _options.StorageOnDisk ? AzuriteServer.StartOnDiskAsync(ct) : AzuriteServer.StartAsync(ct);
        try
        {
            await Task.WhenAll(central, municipal, storage);
        }
        finally
        {
            // Keep whatever did start, even if another part failed, so DisposeAsync stops it.
            Central = central.IsCompletedSuccessfully ? central.Result : null!;
            Municipal = municipal.IsCompletedSuccessfully ? municipal.Result : null!;
            Storage = storage.IsCompletedSuccessfully ? storage.Result : null!;
        }

        if (_options.SiteBlobRelay)
        {
            BlobRelay = new ThrottlingRelay(Storage.BlobPort);
        }

        await Central.CreateDatabaseAsync("central", ct);
        await FunctionsCommandAsync(["migrate"], ct);
        await PublishSignedListsAsync(ct);

        await StartFunctionsAsync(ct);
    }

    /// <summary>
    /// Starts the function app (host stand-in + handler), on the same public port as before when it ran already, so
    /// uploaders configured earlier find it again: a new instance after <see cref="StopFunctionsAsync"/>.
    /// </summary>
    public async Task StartFunctionsAsync(CancellationToken ct = default)
    {
        var appSettings = FunctionsEnvironment();

        Host = await FunctionsHostStandIn.StartAsync(
            new StandInOptions
            {
                ScriptRoot = Path.GetDirectoryName(RepoPaths.FunctionsDll)!,
                AppSettings = appSettings,
                OnLog = _options.OnFunctionsOutput,
                Port = _publicPort,
            },
            ct);
        Endpoint = Host.Endpoint;
        _publicPort = Endpoint.Port;
    }

    /// <summary>Stops the function app: the backend is unreachable (connection refused) until <see cref="StartFunctionsAsync"/>.</summary>
    public async Task StopFunctionsAsync()
    {
        var host = Host;
        Host = null!;
        await host.DisposeAsync();
        _previousLogs.Add(host.Log.Text);
    }

    /// <summary>The function app's log across every instance started so far.</summary>
    public string FunctionsLog => string.Join('\n', [.. _previousLogs, Host?.Log.Text ?? string.Empty]);

    /// <summary>
    /// As an operator would: an ephemeral signing key pair for this pipeline (in its work directory, deleted with it),
    /// signed copies of the chosen lists/*.json (the repository's files are never changed), each published by the real
    /// commands, with the backend holding the public key so publishing checks the signatures too.
    /// </summary>
    private async Task PublishSignedListsAsync(CancellationToken ct)
    {
        var keys = Path.Combine(_workDirectory, "list-signing");
        ListSigningPublicKey = (await FunctionsCommandAsync(["lists", "keygen", "--out", keys], ct)).StandardOutput.Trim();
        var lists = Path.Combine(_workDirectory, "lists");
        Directory.CreateDirectory(lists);
        foreach (var file in Directory.GetFiles(RepoPaths.ListsDirectory))
        {
            File.Copy(file, Path.Combine(lists, Path.GetFileName(file)));
        }

        foreach (var listFile in _options.Lists.Select(list => Path.Combine(lists, list + ".json")))
        {
            await SignAndPublishAsync(listFile, ct);
        }
    }

    /// <summary>
    /// Signs and publishes a list definition of the caller's own (a test's list that lists/ does not ship), given as the
    /// JSON of a definition file with inline "sql", as an operator would: with this pipeline's key, by the real commands.
    /// </summary>
    public async Task PublishListAsync(string definitionJson, CancellationToken ct = default)
    {
        var listFile = Path.Combine(_workDirectory, "lists", $"extra-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(listFile, definitionJson, ct);
        await SignAndPublishAsync(listFile, ct);
    }

    /// <summary>
    /// Signs <paramref name="listFile"/> (a list definition JSON) in place with this pipeline's operator key and publishes
    /// it, by the real commands, as an operator adds a list: how a test publishes a definition of its own.
    /// </summary>
    public async Task SignAndPublishAsync(string listFile, CancellationToken ct = default)
    {
        await FunctionsCommandAsync(["lists", "sign", "--file", listFile, "--private-key", ListSigningPrivateKeyPath], ct);
        await FunctionsCommandAsync(["lists", "publish", "--file", listFile, "--as", "local-pipeline"], ct);
    }

    /// <summary>The private key (PEM) of this pipeline's list-signing key pair, for a test that signs a definition of its own.</summary>
    public string ListSigningPrivateKeyPath => Path.Combine(_workDirectory, "list-signing", "list-signing-key.pem");

    /// <summary>A folder of this pipeline's work directory (deleted with it) for a test's own files.</summary>
    public string WorkPath(string name)
    {
        var path = Path.Combine(_workDirectory, name);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>The public key of this pipeline's list-signing key pair (base64 SubjectPublicKeyInfo), pinned in every uploader config.</summary>
    public string ListSigningPublicKey { get; private set; } = string.Empty;

    /// <summary>The function app's settings, the options' own included: the operator commands read the same ones (releases publish needs Releases__SigningPublicKeys).</summary>
    private Dictionary<string, string?> FunctionsEnvironment()
    {
        var settings = BaseFunctionsEnvironment();
        foreach (var (key, value) in _options.FunctionsEnvironment)
        {
            settings[key] = value;
        }

        return settings;
    }

    private Dictionary<string, string?> BaseFunctionsEnvironment() => new()
    {
        ["ConnectionStrings__Central"] = CentralConnection,
        ["IngestStorage"] = Storage.ConnectionString,
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["Lists__SigningPublicKey"] = ListSigningPublicKey.Length == 0 ? null : ListSigningPublicKey,
        ["Ingest__SiteBlobEndpoint"] = BlobRelay is null ? null : $"http://127.0.0.1:{BlobRelay.Port}",
    };

    /// <summary>Runs an operator command of the functions executable (migrate, sites, tokens, lists).</summary>
    public async Task<ProcessResult> FunctionsCommandAsync(IEnumerable<string> arguments, CancellationToken ct = default) =>
        await ProcessRunner.RunCheckedAsync("dotnet", [RepoPaths.FunctionsDll, .. arguments], FunctionsEnvironment(), cancellationToken: ct);

    /// <summary>Creates and fills a municipality's PEC database, registers its site and writes its uploader config.</summary>
    public async Task<Municipality> AddMunicipalityAsync(string ibge, string name, int citizens, int seed, CancellationToken ct = default)
    {
        var database = $"esus_{ibge}";
        await Municipal.CreateDatabaseAsync(database, ct);
        await using (var connection = new NpgsqlConnection(Municipal.ConnectionString(database)))
        {
            await connection.OpenAsync(ct);
            await PecDatabase.CreateSchemaAsync(connection, ct);
            await PecDatabase.PopulateAsync(connection, new PecSeed(citizens, seed, ibge, name, DateOnly.FromDateTime(DateTime.Today)), ct);
            // Roles are per cluster; each municipality gets its own read-only role, like a separate PEC server.
            await PecDatabase.CreateReadOnlyRoleAsync(connection, $"esus_leitura_{ibge}", "leitura", ct);
        }

        await FunctionsCommandAsync(["sites", "add", "--ibge", ibge, "--name", name], ct);
        var token = (await FunctionsCommandAsync(["tokens", "issue", "--site", ibge], ct)).StandardOutput.Trim();

        var directory = Path.Combine(_workDirectory, ibge);
        Directory.CreateDirectory(directory);
        var municipality = new Municipality(
            ibge, name, database,
            Municipal.ConnectionString(database, $"esus_leitura_{ibge}", "leitura"),
            Path.Combine(directory, "config.json"),
            Path.Combine(directory, "spool"),
            token);
        WriteUploaderConfig(municipality, Endpoint);
        return municipality;
    }

    /// <summary>
    /// Registers a site whose lists read something other than a PEC database (an HTTP API, an application's own
    /// PostgreSQL at <paramref name="sourceConnection"/>), issues its token and writes its uploader config.
    /// </summary>
    public async Task<Municipality> AddSiteAsync(string ibge, string name, string sourceConnection, CancellationToken ct = default)
    {
        await FunctionsCommandAsync(["sites", "add", "--ibge", ibge, "--name", name], ct);
        var token = (await FunctionsCommandAsync(["tokens", "issue", "--site", ibge], ct)).StandardOutput.Trim();
        var directory = Path.Combine(_workDirectory, ibge);
        Directory.CreateDirectory(directory);
        var site = new Municipality(
            ibge, name, new Npgsql.NpgsqlConnectionStringBuilder(sourceConnection).Database ?? string.Empty, sourceConnection,
            Path.Combine(directory, "config.json"), Path.Combine(directory, "spool"), token);
        WriteUploaderConfig(site, Endpoint);
        return site;
    }

    /// <summary>
    /// Starts the real <c>uploader watch</c> for a site (what the watch service runs), English, its output kept; dispose
    /// it to stop it.
    /// </summary>
    public static ChildProcess StartWatch(Municipality m, Action<string>? onLine = null) =>
        ChildProcess.Start("dotnet", [RepoPaths.UploaderDll, "watch", "--config", m.ConfigPath], UploaderLocale.Environment(UploaderLocale.English), onLine: onLine);

    public void WriteUploaderConfig(Municipality m, Uri endpoint)
    {
        var config = new
        {
            endpoint = endpoint.ToString(),
            sites = new[] { new { ibge = m.Ibge, token = m.Token } },
            database = new { connectionString = m.SourceConnection, statementTimeoutSeconds = 600 },
            spoolDirectory = m.SpoolDirectory,
            logDirectory = Path.Combine(Path.GetDirectoryName(m.SpoolDirectory)!, "logs"),
            upload = new Dictionary<string, object>
            {
                ["maxAttempts"] = _options.UploadMaxAttempts,
                ["firstRetryDelaySeconds"] = _options.UploadFirstRetryDelaySeconds,
                ["attemptTimeoutSeconds"] = 120,
                ["blockUploadAboveBytes"] = _options.UploadBlockAboveBytes ?? 64L * 1024 * 1024,
            },
            listSigningKey = ListSigningPublicKey,
        };
        File.WriteAllText(m.ConfigPath, JsonSerializer.Serialize(config, Indented));
    }

    /// <summary>Runs the real uploader executable as the schedule would.</summary>
    /// <remarks>
    /// English by default (LC_ALL), so tests read the same on any machine; pass <paramref name="locale"/> null to
    /// inherit this machine's locale (the demo speaks Portuguese on a Brazilian machine).
    /// </remarks>
    public Task<ProcessResult> RunUploaderAsync(Municipality m, string? locale = UploaderLocale.English, CancellationToken ct = default) =>
        ProcessRunner.RunAsync(
            "dotnet",
            [RepoPaths.UploaderDll, "run", "--config", m.ConfigPath],
            environment: UploaderLocale.Environment(locale),
            timeout: TimeSpan.FromMinutes(10),
            cancellationToken: ct);

    public async Task<IReadOnlyList<SnapshotRow>> SnapshotsAsync(CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(CentralConnection);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            """
            SELECT snapshot_id, site_id, list_name, status, rows_inserted, rows_updated, rows_deleted, rows_unchanged,
                   extract(epoch FROM load_started_at - received_at)::float8, extract(epoch FROM load_finished_at - load_started_at)::float8,
                   error_code, error_detail, attempts
              FROM ingest.snapshots ORDER BY received_at
            """, connection);
        var rows = new List<SnapshotRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new SnapshotRow(
                reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                Nullable<long>(reader, 4), Nullable<long>(reader, 5), Nullable<long>(reader, 6), Nullable<long>(reader, 7),
                Nullable<double>(reader, 8), Nullable<double>(reader, 9),
                reader.IsDBNull(10) ? null : reader.GetString(10), reader.IsDBNull(11) ? null : reader.GetString(11), reader.GetInt32(12)));
        }

        return rows;
    }

    /// <summary>
    /// Waits until every snapshot received so far is settled (loaded, skipped, rejected, or held for an operator), or — with
    /// <paramref name="stopAtFirstProblem"/> — until one is rejected, failed or held, so a caller can report it at once.
    /// </summary>
    public Task<IReadOnlyList<SnapshotRow>> WaitForLoadsAsync(TimeSpan timeout, int expectedAtLeast = 1, bool stopAtFirstProblem = false, CancellationToken ct = default)
    {
        static string Describe(IReadOnlyList<SnapshotRow> rows) => string.Join(", ", rows.Select(r => $"{r.Site}/{r.List}={r.Status}"));
        bool Done(IReadOnlyList<SnapshotRow> rows) =>
            (rows.Count >= expectedAtLeast && rows.All(r => r.Status is SnapshotStatuses.Loaded or SnapshotStatuses.Skipped or SnapshotStatuses.Rejected or SnapshotStatuses.Held))
            || (stopAtFirstProblem && rows.Any(r => r.Status is SnapshotStatuses.Rejected or SnapshotStatuses.Failed or SnapshotStatuses.Held));

        return Eventually.UntilAsync(
            async () =>
            {
                var rows = await SnapshotsAsync(ct);
                if (!Done(rows) && Host?.HandlerExited == true)
                {
                    // The stand-in gave up on the handler: nothing more will load, so there is no point waiting out the timeout.
                    throw new TimeoutException($"Loads not finished, the function app's handler exited: {Describe(rows)}\n{FunctionsLog}");
                }

                return rows;
            },
            Done,
            timeout,
            $"at least {expectedAtLeast} snapshot(s), all settled{(stopAtFirstProblem ? " (or one rejected, failed or held)" : string.Empty)}",
            TimeSpan.FromMilliseconds(250),
            Describe,
            () => FunctionsLog,
            ct);
    }

    /// <summary>The load queue and its poison queue, with the producer's message encoding.</summary>
    public QueueServiceClient Queues => new(Storage.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    /// <summary>Waits until the load queue's poison queue holds at least one message, and returns what it holds.</summary>
    public async Task<IReadOnlyList<PeekedMessage>> WaitForPoisonAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        var poison = Queues.GetQueueClient("snapshot-loads-poison");
        await Eventually.UntilAsync(
            async () => await poison.ExistsAsync(ct) ? (await poison.PeekMessagesAsync(cancellationToken: ct)).Value.Length : 0, n => n > 0, timeout,
            "a message in the load queue's poison queue", TimeSpan.FromMilliseconds(250), n => $"{n} message(s)", () => FunctionsLog, ct);
        return (await poison.PeekMessagesAsync(32, ct)).Value;
    }

    public async Task<ComparisonResult> CompareAsync(Municipality m, string list, CancellationToken ct = default)
    {
        var definitionFile = Path.Combine(RepoPaths.ListsDirectory, list + ".json");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(definitionFile, ct));
        var columns = ListComparison.ComparedColumns(json.RootElement);
        var sql = await File.ReadAllTextAsync(Path.Combine(RepoPaths.ListsDirectory, json.RootElement.GetProperty("sqlFile").GetString()!), ct);
        return await ListComparison.CompareAsync(m.SourceConnection, sql.Trim(), CentralConnection, $"lists.{list}", m.Ibge, columns, ct);
    }

    private static T? Nullable<T>(NpgsqlDataReader reader, int ordinal) where T : struct =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<T>(ordinal);

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        if (BlobRelay is not null)
        {
            await BlobRelay.DisposeAsync();
        }

        if (Storage is not null)
        {
            await Storage.DisposeAsync();
        }

        if (Municipal is not null)
        {
            await Municipal.DisposeAsync();
        }

        if (Central is not null)
        {
            await Central.DisposeAsync();
        }

        try
        {
            Directory.Delete(_workDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
