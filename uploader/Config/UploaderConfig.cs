using PecLists.Contracts;
using System.Text.Json;
using System.Text.Json.Serialization;
using PecLists.Uploader.Extraction;
using PecLists.Uploader.Localization;

namespace PecLists.Uploader.Config;

/// <summary>The uploader's config file. One PEC database may serve several sites (one token each).</summary>
public sealed class UploaderConfig
{
    public string Endpoint { get; set; } = string.Empty;

    public List<SiteConfig> Sites { get; set; } = [];

    public DatabaseConfig Database { get; set; } = new();

    /// <summary>Only these lists (empty: every list the server defines).</summary>
    public List<string> Lists { get; set; } = [];

    public string SpoolDirectory { get; set; } = DefaultPaths.SpoolDirectory;

    public string LogDirectory { get; set; } = DefaultPaths.LogDirectory;

    /// <summary>Disk the spool may use; past it the oldest pending snapshots are dropped (counted and reported).</summary>
    public long SpoolMaxBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>
    /// Free space the uploader leaves on the spool disk, which is usually PEC's own: below it nothing is extracted and the
    /// run reports disk-full (exit 9), so the uploader never fills the disk PEC's database needs.
    /// </summary>
    public long SpoolMinFreeBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>
    /// Days a quarantined snapshot is kept to be looked at; older ones are deleted by the next run (they hold personal data).
    /// </summary>
    public int QuarantineRetentionDays { get; set; } = 14;

    public UploadConfig Upload { get; set; } = new();

    /// <summary>
    /// The operator's list-signing public key (base64 SubjectPublicKeyInfo), pinned by <c>install --list-signing-key</c>:
    /// a list definition runs only when its signature verifies with it.
    /// </summary>
    public string? ListSigningKey { get; set; }

    /// <summary>
    /// More keys trusted like <see cref="ListSigningKey"/> (base64 SubjectPublicKeyInfo): during a key rotation the config
    /// pins the old and the new key, so the operator re-signs and sites keep running (docs/adr/0019-list-definition-replay-and-rotation.md).
    /// </summary>
    public List<string> ListSigningKeys { get; set; } = [];

    /// <summary>
    /// The operator's release-signing public keys (base64 SubjectPublicKeyInfo), pinned by <c>install
    /// --release-signing-key</c>: the uploader installs a release of itself only when its manifest verifies with one of
    /// them (or with the keys a verified manifest rotated to). Empty: this install does not update itself (docs/adr/0027).
    /// </summary>
    public List<string> ReleaseSigningKeys { get; set; } = [];

    /// <summary>
    /// A definition signed longer ago than this many days is not run (<c>definition-expired</c>): an old signed SQL served
    /// again is refused even by a fresh install. The operator re-signs lists before then (docs/deploy.md).
    /// </summary>
    public int ListDefinitionMaxAgeDays { get; set; } = 400;

    /// <summary>
    /// Secrets the lists' HTTP APIs need, by name (<c>"brt-api-key": "…"</c>): a definition's <c>source.secretHeaders</c>
    /// names them, so keys stay at the site and never travel in a definition. The config file is its owner's only; the
    /// values are never logged, shown by doctor, or quoted in an error (which names the secret, not its value).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? Secrets { get; set; }

    /// <summary>Retries and back-off for the lists that read HTTP APIs (absent: the defaults).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public HttpSourceConfig? Http { get; set; }

    /// <summary>
    /// The key the <c>hash</c> mask uses (<see cref="MaskingKeySetting"/>); needed only when a list hashes a column. A
    /// list that does, on a site without it, is not extracted (a config failure named for that list).
    /// </summary>
    public MaskingKeySetting? MaskingKey { get; set; }

    /// <summary>The watch service's minute (<see cref="WatchConfig"/>; absent: a real minute).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public WatchConfig? Watch { get; set; }

    /// <summary>How long one minute of a list's schedule lasts (a real minute unless <c>watch.minuteSeconds</c> says otherwise).</summary>
    public TimeSpan ScheduleMinute => (Watch ?? new WatchConfig()).Minute;

    /// <summary>"pt-BR" or "en": recorded by install from its locale, used when the OS gives a job none (cron).</summary>
    public string? Language { get; set; }

    public static UploaderConfig Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new ConfigException(Localized.Text(
                $"Config file not found: {path}. Run 'uploader install' first, or pass --config.",
                $"Arquivo de configuração não encontrado: {path}. Execute 'uploader install' primeiro ou informe --config."));
        }

        UploaderConfig? config;
        try
        {
            config = JsonSerializer.Deserialize(File.ReadAllText(path), UploaderJsonContext.Default.UploaderConfig);
        }
        catch (JsonException ex)
        {
            throw new ConfigException(Localized.Text(
                $"Config file {path} is not valid JSON (line {ex.LineNumber + 1}): fix it or run 'uploader install' again.",
                $"O arquivo de configuração {path} não é um JSON válido (linha {ex.LineNumber + 1}): corrija-o ou execute 'uploader install' novamente."));
        }

        config ??= new UploaderConfig();
        Localization.Localized.UseConfigured(config.Language);
        var problems = config.Validate();
        return problems.Count == 0 ? config : throw new ConfigException(Localized.Text($"Config file {path}: {string.Join("; ", problems)}", $"Arquivo de configuração {path}: {string.Join("; ", problems)}"));
    }

    /// <summary>Every pinned key (<see cref="ListSigningKey"/> first, then <see cref="ListSigningKeys"/>) that is a P-256 public key.</summary>
    public IReadOnlyList<byte[]> PinnedListSigningKeys()
    {
        var keys = new List<byte[]>();
        foreach (var text in (ListSigningKeys ?? []).Prepend(ListSigningKey))
        {
            try
            {
                if (!string.IsNullOrWhiteSpace(text) && ListDefinitionSignature.ReadPublicKey(text) is { } key && !keys.Any(k => k.AsSpan().SequenceEqual(key)))
                {
                    keys.Add(key);
                }
            }
            catch (FormatException)
            {
                // Reported by Validate.
            }
        }

        return keys;
    }

    /// <summary>The masking key as the masks use it, or null when the config has none (validated at load).</summary>
    public MaskingKey? ReadMaskingKey() =>
        MaskingKey is { } setting && MaskingKeyBytes(setting.Key) is { } bytes && Extraction.MaskingKey.IsValidId(setting.Id)
            ? new MaskingKey(setting.Id, bytes)
            : null;

    public List<string> Validate()
    {
        var problems = new List<string>();
        if (!EndpointRule.IsHttpAddress(Endpoint, out var uri))
        {
            problems.Add(Localized.Text("'endpoint' must be the backend's https:// address", "'endpoint' deve ser o endereço https:// do servidor central"));
        }
        else if (!EndpointRule.IsSecure(uri))
        {
            problems.Add(EndpointRule.ClearTextRefused("'endpoint'"));
        }

        // "sites": [null] gets through the serializer (element nullability is not checked).
        if (Sites.Count == 0 || Sites.Any(s => s is null || !IbgeCode.IsValid(s.Ibge) || string.IsNullOrWhiteSpace(s.Token)))
        {
            problems.Add(Localized.Text("'sites' needs at least one entry with a 7-digit 'ibge' code and its 'token'", "'sites' precisa de pelo menos uma entrada com o código 'ibge' de 7 dígitos e o seu 'token'"));
        }

        if (string.IsNullOrWhiteSpace(Database.ConnectionString))
        {
            problems.Add(Localized.Text("'database.connectionString' is empty", "'database.connectionString' está vazio"));
        }

        if (string.IsNullOrWhiteSpace(ListSigningKey))
        {
            problems.Add(Localized.Text(
                "'listSigningKey' is missing: this uploader runs only list definitions signed by the operator; run 'uploader install --list-signing-key <the public key the operator gave>' again",
                "'listSigningKey' não está definido: este uploader só executa definições de listas assinadas pelo operador; execute 'uploader install --list-signing-key <a chave pública fornecida pelo operador>' novamente"));
        }
        else if (PinnedKeyIsInvalid(ListSigningKey))
        {
            problems.Add(Localized.Text(
                "'listSigningKey' is not an ECDSA P-256 public key (base64); run 'uploader install --list-signing-key <the public key the operator gave>' again",
                "'listSigningKey' não é uma chave pública ECDSA P-256 (base64); execute 'uploader install --list-signing-key <a chave pública fornecida pelo operador>' novamente"));
        }

        if ((ListSigningKeys ?? []).Any(k => k is null || PinnedKeyIsInvalid(k)))
        {
            problems.Add(Localized.Text(
                "'listSigningKeys' holds an entry that is not an ECDSA P-256 public key (base64)",
                "'listSigningKeys' tem um item que não é uma chave pública ECDSA P-256 (base64)"));
        }

        if ((ReleaseSigningKeys ?? []).Any(k => k is null || PinnedKeyIsInvalid(k)))
        {
            problems.Add(Localized.Text(
                "'releaseSigningKeys' holds an entry that is not an ECDSA P-256 public key (base64); run 'uploader install --release-signing-key <the release key the operator gave>' again",
                "'releaseSigningKeys' tem um item que não é uma chave pública ECDSA P-256 (base64); execute 'uploader install --release-signing-key <a chave de versões fornecida pelo operador>' novamente"));
        }

        if (ListDefinitionMaxAgeDays < 1)
        {
            problems.Add(Localized.Text("'listDefinitionMaxAgeDays' must be at least 1", "'listDefinitionMaxAgeDays' deve ser pelo menos 1"));
        }

        if (SpoolMinFreeBytes < 0)
        {
            problems.Add(Localized.Text("'spoolMinFreeBytes' must not be negative (0 turns the free-space floor off)", "'spoolMinFreeBytes' não pode ser negativo (0 desliga o limite de espaço livre)"));
        }

        if (QuarantineRetentionDays < 1)
        {
            problems.Add(Localized.Text("'quarantineRetentionDays' must be at least 1", "'quarantineRetentionDays' deve ser pelo menos 1"));
        }

        if (Upload.BlockUploadAboveBytes < 0)
        {
            problems.Add(Localized.Text(
                "'upload.blockUploadAboveBytes' must not be negative (0 sends every snapshot in blocks)",
                "'upload.blockUploadAboveBytes' não pode ser negativo (0 envia todo arquivo em blocos)"));
        }

        problems.AddRange(Http?.Problems() ?? []);
        problems.AddRange(Watch?.Problems() ?? []);
        if ((Secrets ?? []).Any(s => string.IsNullOrEmpty(s.Value)))
        {
            problems.Add(Localized.Text("'secrets' holds an empty value", "'secrets' tem um valor vazio"));
        }

        if (MaskingKey is { } masking && !Extraction.MaskingKey.IsValidId(masking.Id))
        {
            problems.Add(Localized.Text(
                "'maskingKey.id' must be 1 to 16 lowercase letters, digits or '-' (the same id at every site, e.g. \"2026a\")",
                "'maskingKey.id' deve ter de 1 a 16 letras minúsculas, dígitos ou '-' (o mesmo id em todos os municípios, ex.: \"2026a\")"));
        }

        if (MaskingKey is { } key && MaskingKeyBytes(key.Key) is null)
        {
            // The key itself is never quoted back: it is a secret.
            problems.Add(Localized.Text(
                $"'maskingKey.key' must be base64 of at least {Extraction.MaskingKey.MinimumBytes} bytes (the operator's fleet-wide key, e.g. from 'openssl rand -base64 32'); ask the operator for it",
                $"'maskingKey.key' deve ser base64 de pelo menos {Extraction.MaskingKey.MinimumBytes} bytes (a chave única do operador para todos os municípios, ex.: de 'openssl rand -base64 32'); peça-a ao operador"));
        }

        if (!ProxySetting.IsValid(Upload.Proxy))
        {
            problems.Add(ProxySetting.InvalidMessage);
        }

        return problems;
    }

    private static byte[]? MaskingKeyBytes(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text.Trim(), buffer, out var written) && written >= Extraction.MaskingKey.MinimumBytes ? buffer[..written] : null;
    }

    private static bool PinnedKeyIsInvalid(string text)
    {
        try
        {
            ListDefinitionSignature.ReadPublicKey(text);
            return false;
        }
        catch (FormatException)
        {
            return true;
        }
    }
}
