using System.Text;
using System.Text.Json;
using PecLists.Uploader.Localization;

namespace PecLists.Uploader.Discovery;

/// <summary>
/// Finds the PEC database connection where a PEC install records it (pec-notes.md): /etc/pec.config (Linux),
/// webserver/config/application.properties (Spring keys) and webserver/config/credenciais.txt (written by the
/// installer, holds the read-only user's password). Prefers the read-only role <c>esus_leitura</c>.
/// </summary>
public static class PecDiscovery
{
    public const string ReadOnlyRole = "esus_leitura";

    public static IReadOnlyList<string> DefaultInstallRoots => OperatingSystem.IsWindows()
        ? [@"C:\Program Files\e-SUS", @"C:\e-SUS"]
        : ["/opt/e-SUS"];

    public static string DefaultPecConfig => "/etc/pec.config";

    /// <summary>The best connection found, or null; <paramref name="notes"/> says what was looked at and why it was (not) used.</summary>
    public static PecConnection? Discover(IEnumerable<string> installRoots, string? pecConfigPath, List<string> notes)
    {
        JdbcTarget? target = null;
        (string User, string Password, string Source)? owner = null;
        var roots = installRoots.ToList();

        if (pecConfigPath is not null && File.Exists(pecConfigPath) && ReadPecConfig(pecConfigPath, notes) is { } fromConfig)
        {
            target = fromConfig.Target;
            owner = (fromConfig.User, fromConfig.Password, pecConfigPath);
            if (fromConfig.Directory is { Length: > 0 } directory && !roots.Contains(directory))
            {
                roots.Insert(0, directory);
            }
        }

        string? credentials = null;
        foreach (var root in roots)
        {
            var properties = Path.Combine(root, "webserver", "config", "application.properties");
            if (File.Exists(properties) && ReadApplicationProperties(properties, notes) is { } fromProperties)
            {
                target ??= fromProperties.Target;
                owner ??= (fromProperties.User, fromProperties.Password, properties);
            }

            var candidate = Path.Combine(root, "webserver", "config", "credenciais.txt");
            credentials ??= File.Exists(candidate) ? candidate : null;
        }

        if (target is null)
        {
            notes.Add(Localized.Text(
                "no PEC connection settings found (looked for /etc/pec.config and <install>/webserver/config/application.properties)",
                "configurações de conexão do PEC não encontradas (procurado em /etc/pec.config e <instalação>/webserver/config/application.properties)"));
            return null;
        }

        if (credentials is not null && ReadReadOnlyPassword(credentials) is { } readOnlyPassword)
        {
            notes.Add(Localized.Text($"using the read-only role {ReadOnlyRole} (password from {credentials})", $"usando o usuário somente leitura {ReadOnlyRole} (senha lida de {credentials})"));
            return new PecConnection(target.Host, target.Port, target.Database, ReadOnlyRole, readOnlyPassword, credentials);
        }

        notes.Add(Localized.Text(
            $"read-only role {ReadOnlyRole} not found in credenciais.txt; falling back to the application's user — pass --db \"Host=…;Port=…;Database=esus;Username=…;Password=…\" to use a read-only one",
            $"usuário somente leitura {ReadOnlyRole} não encontrado em credenciais.txt; usando o usuário da aplicação — informe --db \"Host=…;Port=…;Database=esus;Username=…;Password=…\" para usar um usuário somente leitura"));
        return owner is { } o ? new PecConnection(target.Host, target.Port, target.Database, o.User, o.Password, o.Source) : null;
    }

    public sealed record JdbcTarget(string Host, int Port, string Database);

    /// <summary>jdbc:postgresql://host[:port]/database[?params]</summary>
    public static JdbcTarget? ParseJdbcUrl(string? url)
    {
        const string prefix = "jdbc:postgresql://";
        if (url is null || !url.Trim().StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var rest = url.Trim()[prefix.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            return null;
        }

        var hostPort = rest[..slash];
        var database = rest[(slash + 1)..].Split('?')[0];
        var colon = hostPort.LastIndexOf(':');
        var host = colon > 0 ? hostPort[..colon] : hostPort;
        var port = colon > 0 && int.TryParse(hostPort[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var p) ? p : 5432;
        return database.Length == 0 ? null : new JdbcTarget(host, port, Uri.UnescapeDataString(database));
    }

    private sealed record Found(JdbcTarget Target, string User, string Password, string? Directory);

    private static Found? ReadPecConfig(string path, List<string> notes)
    {
        try
        {
            using var json = JsonDocument.Parse(ReadText(path));
            string? Get(string name) => json.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var target = ParseJdbcUrl(Get("databaseUrl"));
            if (target is null)
            {
                notes.Add(Localized.Text($"{path}: no usable databaseUrl", $"{path}: sem databaseUrl utilizável"));
                return null;
            }

            notes.Add(Localized.Text($"{path}: database {target.Host}:{target.Port}/{target.Database}", $"{path}: banco de dados {target.Host}:{target.Port}/{target.Database}"));
            return new Found(target, Get("databaseUsername") ?? string.Empty, Get("databasePassword") ?? string.Empty, Get("directory"));
        }
        catch (JsonException)
        {
            notes.Add(Localized.Text($"{path}: not valid JSON, ignored", $"{path}: não é um JSON válido, ignorado"));
            return null;
        }
    }

    private static Found? ReadApplicationProperties(string path, List<string> notes)
    {
        var values = ParseProperties(ReadText(path));
        var target = ParseJdbcUrl(values.GetValueOrDefault("spring.datasource.url"));
        if (target is null)
        {
            notes.Add(Localized.Text($"{path}: no usable spring.datasource.url", $"{path}: sem spring.datasource.url utilizável"));
            return null;
        }

        notes.Add(Localized.Text($"{path}: database {target.Host}:{target.Port}/{target.Database}", $"{path}: banco de dados {target.Host}:{target.Port}/{target.Database}"));
        return new Found(target, values.GetValueOrDefault("spring.datasource.username") ?? string.Empty, values.GetValueOrDefault("spring.datasource.password") ?? string.Empty, null);
    }

    /// <summary>Java .properties: key=value or key: value, # and ! comments, backslash escapes.</summary>
    public static Dictionary<string, string> ParseProperties(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or '!')
            {
                continue;
            }

            var separator = line.IndexOfAny(['=', ':']);
            if (separator <= 0)
            {
                continue;
            }

            values[Unescape(line[..separator].Trim())] = Unescape(line[(separator + 1)..].Trim());
        }

        return values;
    }

    /// <summary>
    /// credenciais.txt is free text written by the installer: find the line naming esus_leitura as the user, then the
    /// first password line after it ("senha: …", "password: …"). Accents and either encoding are tolerated.
    /// </summary>
    public static string? ReadReadOnlyPassword(string path)
    {
        var lines = ReadText(path).Split('\n').Select(l => l.Trim()).ToList();
        for (var i = 0; i < lines.Count; i++)
        {
            if (!lines[i].Contains(ReadOnlyRole, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            // The password may sit on the same line ("esus_leitura / senha: x") or on one of the next few lines.
            for (var j = i; j < Math.Min(lines.Count, i + 4); j++)
            {
                var line = lines[j];
                var at = IndexOfPasswordLabel(line);
                if (at >= 0)
                {
                    var value = line[at..];
                    var colon = value.IndexOfAny([':', '=']);
                    var password = colon >= 0 ? value[(colon + 1)..].Trim() : string.Empty;
                    if (password.Length > 0)
                    {
                        return password;
                    }
                }
            }
        }

        return null;
    }

    private static int IndexOfPasswordLabel(string line)
    {
        foreach (var label in new[] { "senha", "password", "pass" })
        {
            var at = line.IndexOf(label, StringComparison.OrdinalIgnoreCase);
            if (at >= 0)
            {
                return at;
            }
        }

        return -1;
    }

    private static string Unescape(string value)
    {
        if (!value.Contains('\\', StringComparison.Ordinal))
        {
            return value;
        }

        var result = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                i++;
                result.Append(value[i] switch { 'n' => '\n', 't' => '\t', _ => value[i] });
            }
            else
            {
                result.Append(value[i]);
            }
        }

        return result.ToString();
    }

    /// <summary>UTF-8 when valid, else Latin-1 (older Windows installs write ANSI files).</summary>
    private static string ReadText(string path)
    {
        var bytes = File.ReadAllBytes(path);
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(bytes);
        }
    }
}
