using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using PecLists.Contracts;

namespace PecLists.Functions.Commands;

/// <summary>
/// <c>releases keygen</c>, <c>releases sign</c> and <c>releases resign</c>: the operator's offline signing of uploader
/// builds (docs/adr/0026-uploader-releases-and-rollout.md). None touches the database or storage; the private key never
/// leaves the operator's machine, and the backend never holds it. The release key is not the list key.
/// </summary>
public static class ReleaseSigningCommands
{
    public const string PrivateKeyFile = "release-signing-key.pem";
    public const string PublicKeyFile = "release-signing-key.pub.pem";

    /// <summary>How long a manifest may be acted on unless told otherwise: long enough between releases, short enough that a frozen store shows.</summary>
    public const int DefaultExpiryDays = 30;

    private static readonly JsonSerializerOptions Indented = new(ContractsJsonContext.Default.Options) { WriteIndented = true };

    public static Command Keygen()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory for the key pair (created if missing).", Required = true };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing key pair in that directory." };
        var command = new Command("keygen", $"Make an ECDSA P-256 key pair for signing uploader releases: {PrivateKeyFile} (owner-only; keep it offline) and {PublicKeyFile}. Prints the public key (pin it with 'uploader install --release-signing-key' and Releases__SigningPublicKeys). Not the list key.") { output, force };
        command.SetAction(parse =>
        {
            var directory = parse.GetValue(output)!.FullName;
            var privatePath = Path.Combine(directory, PrivateKeyFile);
            var publicPath = Path.Combine(directory, PublicKeyFile);
            if (!parse.GetValue(force) && (File.Exists(privatePath) || File.Exists(publicPath)))
            {
                Console.Error.WriteLine($"{directory} already holds a release key; pass --force to replace it (sites trust only the keys pinned at install or vouched for by a signed manifest).");
                return 1;
            }

            Directory.CreateDirectory(directory);
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            ListSigningCommands.WriteOwnerOnly(privatePath, key.ExportPkcs8PrivateKeyPem() + "\n");
            File.WriteAllText(publicPath, key.ExportSubjectPublicKeyInfoPem() + "\n");
            var publicKey = key.ExportSubjectPublicKeyInfo();
            Console.Error.WriteLine($"Private key: {privatePath} (owner-only; keep it offline, never in the repository). Public key: {publicPath}.");
            Console.Error.WriteLine($"Key id {ListDefinitionSignature.KeyId(publicKey)}. The public key, for 'uploader install --release-signing-key' and Releases__SigningPublicKeys:");
            Console.WriteLine(Convert.ToBase64String(publicKey));
            return 0;
        });
        return command;
    }

    public static Command Sign()
    {
        var binary = new Option<FileInfo>("--binary") { Description = "The uploader build to release (the single-file executable).", Required = true };
        var version = new Option<string>("--version") { Description = "Its version, major.minor.patch (what the build reports; above every published one).", Required = true };
        var runtime = new Option<string>("--runtime") { Description = $"The runtime it was built for: {string.Join(" or ", ReleaseRuntimes.All)}.", Required = true };
        var privateKey = new Option<FileInfo>("--private-key") { Description = $"The PEM private key 'releases keygen' wrote ({PrivateKeyFile}).", Required = true };
        var (expires, trusted, output) = (ExpiresOption(), TrustedKeysOption(), OutOption());
        var command = new Command("sign", "Sign an uploader build offline: writes its manifest (version, runtime, size, SHA-256, signed and expiry times, signature) as JSON for 'releases publish'.")
        {
            binary, version, runtime, privateKey, expires, trusted, output,
        };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(binary)!.FullName;
            if (!File.Exists(path))
            {
                Console.Error.WriteLine($"{path} does not exist.");
                return 2;
            }

            long size;
            string sha256;
            await using (var stream = File.OpenRead(path))
            {
                size = stream.Length;
                sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
            }

            var now = DateTimeOffset.UtcNow;
            var manifest = new ReleaseManifestDto(parse.GetValue(version)!, parse.GetValue(runtime)!, size, sha256, now, now.AddDays(parse.GetValue(expires)));
            var target = parse.GetValue(output)?.FullName
                ?? Path.Combine(Path.GetDirectoryName(path)!, $"uploader-{manifest.Version}-{manifest.Runtime}.manifest.json");
            return SignAndWrite(manifest, parse.GetValue(trusted), parse.GetValue(privateKey)!.FullName, parse.GetValue(expires), target);
        });
        return command;
    }

    public static Command Resign()
    {
        var manifestFile = new Option<FileInfo>("--manifest") { Description = "A published release's manifest (from 'releases sign' or 'releases download').", Required = true };
        var privateKey = new Option<FileInfo>("--private-key") { Description = $"The PEM private key 'releases keygen' wrote ({PrivateKeyFile}).", Required = true };
        var (expires, trusted, output) = (ExpiresOption(), TrustedKeysOption(), OutOption());
        var command = new Command("resign", "Sign the same build again with a new expiry (same version, size and SHA-256): publish the new manifest before the old one expires, or sites are offered nothing.")
        {
            manifestFile, privateKey, expires, trusted, output,
        };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(manifestFile)!.FullName;
            ReleaseManifestDto? old;
            try
            {
                old = JsonSerializer.Deserialize(File.ReadAllText(path), ContractsJsonContext.Default.ReleaseManifestDto);
            }
            catch (Exception ex) when (ex is JsonException or IOException)
            {
                Console.Error.WriteLine($"Cannot read {path}: {ex.Message}");
                return 2;
            }

            if (old is null)
            {
                Console.Error.WriteLine($"{path} holds no manifest.");
                return 2;
            }

            var now = DateTimeOffset.UtcNow;
            var manifest = old with { SignedAt = now, ExpiresAt = now.AddDays(parse.GetValue(expires)), Signature = null, KeyId = null };
            var keys = parse.GetValue(trusted) is { } given ? given : old.TrustedKeys is { } kept ? string.Join(',', kept) : null;
            return SignAndWrite(manifest, keys, parse.GetValue(privateKey)!.FullName, parse.GetValue(expires), parse.GetValue(output)?.FullName ?? path);
        });
        return command;
    }

    private static int SignAndWrite(ReleaseManifestDto manifest, string? trustedKeys, string privateKeyPath, int expiryDays, string target)
    {
        if (expiryDays is < 1 or > 366)
        {
            Console.Error.WriteLine("--expires-in-days must be between 1 and 366.");
            return 2;
        }

        if (!ReleaseVersion.TryParse(manifest.Version, out _) || !ReleaseRuntimes.IsKnown(manifest.Runtime))
        {
            Console.Error.WriteLine($"--version must be major.minor.patch (e.g. 1.4.0) and --runtime one of {string.Join(", ", ReleaseRuntimes.All)}.");
            return 2;
        }

        using var key = ECDsa.Create();
        try
        {
            var keys = trustedKeys?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(k => Convert.ToBase64String(ListDefinitionSignature.ReadPublicKey(k))).ToList();
            key.ImportFromPem(File.ReadAllText(privateKeyPath));
            var signed = ReleaseSignature.Sign(manifest with { TrustedKeys = keys }, key);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, JsonSerializer.Serialize(signed, Indented) + "\n");
            Console.WriteLine($"Uploader {signed.Version} ({signed.Runtime}) signed with key {signed.KeyId}, expires {signed.ExpiresAt:yyyy-MM-dd HH:mm}Z: {target}");
            return 0;
        }
        catch (FormatException ex)
        {
            Console.Error.WriteLine($"--trusted-keys must be base64 public keys separated by commas ({ex.Message}).");
            return 2;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or IOException)
        {
            Console.Error.WriteLine($"{privateKeyPath} is not an ECDSA P-256 private key in PEM ({ex.Message}).");
            return 2;
        }
    }

    private static Option<int> ExpiresOption() => new("--expires-in-days")
    {
        Description = $"Days a site may act on this manifest (default {DefaultExpiryDays}); past it the backend stops serving it and sites refuse it.",
        DefaultValueFactory = _ => DefaultExpiryDays,
    };

    private static Option<string?> TrustedKeysOption() => new("--trusted-keys")
    {
        Description = "Release public keys (base64, comma-separated) sites should trust from now on: a key rotation without reinstalling. Omit to leave sites' keys as they are.",
    };

    private static Option<FileInfo?> OutOption() => new("--out") { Description = "Where to write the signed manifest." };
}
