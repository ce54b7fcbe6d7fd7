using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using PecLists.Contracts;
using PecLists.Functions.Lists;

namespace PecLists.Functions.Commands;

/// <summary>
/// <c>lists keygen</c> and <c>lists sign</c>: the operator's offline signing of list definitions (docs/design.md §3).
/// Neither touches the database; the private key never leaves the operator's machine.
/// </summary>
public static class ListSigningCommands
{
    public const string PrivateKeyFile = "list-signing-key.pem";
    public const string PublicKeyFile = "list-signing-key.pub.pem";

    public static Command Keygen()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory for the key pair (created if missing).", Required = true };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing key pair in that directory." };
        var command = new Command("keygen", $"Make an ECDSA P-256 key pair for signing list definitions: {PrivateKeyFile} (owner-only; keep it offline) and {PublicKeyFile}. Prints the public key (pin it with 'uploader install --list-signing-key' and Lists__SigningPublicKey).") { output, force };
        command.SetAction(parse =>
        {
            var directory = parse.GetValue(output)!.FullName;
            var privatePath = Path.Combine(directory, PrivateKeyFile);
            var publicPath = Path.Combine(directory, PublicKeyFile);
            if (!parse.GetValue(force) && (File.Exists(privatePath) || File.Exists(publicPath)))
            {
                Console.Error.WriteLine($"{directory} already holds a signing key; pass --force to replace it (definitions signed with the old key stop verifying).");
                return 1;
            }

            Directory.CreateDirectory(directory);
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            WriteOwnerOnly(privatePath, key.ExportPkcs8PrivateKeyPem() + "\n");
            File.WriteAllText(publicPath, key.ExportSubjectPublicKeyInfoPem() + "\n");
            var publicKey = key.ExportSubjectPublicKeyInfo();
            Console.Error.WriteLine($"Private key: {privatePath} (owner-only; keep it offline, never in the repository). Public key: {publicPath}.");
            Console.Error.WriteLine($"Key id {ListDefinitionSignature.KeyId(publicKey)}. The public key, for 'uploader install --list-signing-key' and Lists__SigningPublicKey:");
            Console.WriteLine(Convert.ToBase64String(publicKey));
            return 0;
        });
        return command;
    }

    public static Command Sign()
    {
        var file = new Option<FileInfo>("--file") { Description = "List definition JSON (see lists/*.json).", Required = true };
        var privateKey = new Option<FileInfo>("--private-key") { Description = $"The PEM private key 'lists keygen' wrote ({PrivateKeyFile}).", Required = true };
        var output = new Option<FileInfo?>("--out") { Description = "Write the signed definition here instead of into --file (its sqlFile is kept pointing at the same SQL)." };
        var command = new Command("sign", "Sign a list definition as it will be served (validated, types normalised) and write its signatures into the JSON: v1, v2 and v3, or v3 only for a definition using a source, mode, cursor, schedule, views, fields, formats or masks.") { file, privateKey, output };
        command.SetAction(parse =>
        {
            var source = parse.GetValue(file)!.FullName;
            var target = parse.GetValue(output)?.FullName ?? source;
            ListDefinition definition;
            try
            {
                definition = ListDefinitionFile.Read(source);
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.Text.Json.JsonException or IOException)
            {
                Console.Error.WriteLine($"Cannot read {source}: {ex.Message}");
                return 2;
            }

            var errors = ListDefinitionRules.Check(definition);
            if (errors.Count > 0)
            {
                Console.Error.WriteLine($"List definition '{definition.Name}' is invalid:");
                foreach (var error in errors)
                {
                    Console.Error.WriteLine($"  {error}");
                }

                return 2;
            }

            using var key = ECDsa.Create();
            try
            {
                key.ImportFromPem(File.ReadAllText(parse.GetValue(privateKey)!.FullName));
                var served = ListDefinitionRules.Normalize(definition).ToDto();
                var signed = ListDefinitionSignature.SignAll(served, key, DateTimeOffset.UtcNow);
                WriteSigned(source, target, signed);
                var keyId = ListDefinitionSignature.KeyId(key.ExportSubjectPublicKeyInfo());
                var formats = signed.Signature is null ? "v3 only: it uses parts uploaders before 0.3 cannot honour" : "v1, v2 and v3";
                Console.WriteLine($"List {definition.Name} v{definition.Version} signed ({formats}) with key {keyId} at {signed.SignedAt:yyyy-MM-dd HH:mm:ss}Z: {target}");
                return 0;
            }
            catch (Exception ex) when (ex is CryptographicException or ArgumentException)
            {
                Console.Error.WriteLine($"{parse.GetValue(privateKey)!.FullName} is not an ECDSA P-256 private key in PEM ({ex.Message}).");
                return 2;
            }
        });
        return command;
    }

    /// <summary>
    /// The definition file with "signedAt" and "signatureV3" set, and "signature" and "signatureV2" set too for a definition
    /// v1 and v2 can hold, or removed for one only v3 covers (<see cref="ListDefinitionSignature.IsBeyondV2"/>: an older
    /// uploader must find nothing it can verify); every other byte is kept as the operator wrote it (a short diff).
    /// When written elsewhere, a relative "sqlFile" is rewritten relative to the new place so it names the same SQL.
    /// </summary>
    private static void WriteSigned(string source, string target, ListDefinitionDto signed)
    {
        var text = File.ReadAllText(source);
        if (signed.Signature is { } v1 && signed.SignatureV2 is { } v2)
        {
            text = JsonMember.SetTopLevelString(text, "signature", v1);
            text = JsonMember.SetTopLevelString(text, "signedAt", SignedAtText(signed));
            text = JsonMember.SetTopLevelString(text, "signatureV2", v2);
        }
        else
        {
            text = JsonMember.RemoveTopLevel(JsonMember.RemoveTopLevel(text, "signature"), "signatureV2");
            text = JsonMember.SetTopLevelString(text, "signedAt", SignedAtText(signed));
        }

        text = JsonMember.SetTopLevelString(text, "signatureV3", signed.SignatureV3!);
        if (JsonNode.Parse(text)?["sqlFile"]?.GetValue<string>() is { } sqlFile && !Path.IsPathRooted(sqlFile)
            && Path.GetDirectoryName(target) != Path.GetDirectoryName(source))
        {
            var sqlPath = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, sqlFile));
            text = JsonMember.SetTopLevelString(text, "sqlFile", Path.GetRelativePath(Path.GetDirectoryName(target)!, sqlPath).Replace('\\', '/'));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.WriteAllText(target, text);
    }

    private static string SignedAtText(ListDefinitionDto signed) =>
        signed.SignedAt!.Value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Writes a private key readable by its owner only (the user's profile ACLs on Windows).</summary>
    internal static void WriteOwnerOnly(string path, string text)
    {
        if (OperatingSystem.IsWindows())
        {
            File.WriteAllText(path, text); // the user's profile ACLs; keep the key on an operator's machine, offline.
            return;
        }

        File.Delete(path);
        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        using var writer = new StreamWriter(stream);
        writer.Write(text);
    }
}
