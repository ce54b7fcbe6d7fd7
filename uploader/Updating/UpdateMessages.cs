using PecLists.Contracts;
using PecLists.Uploader.Localization;

namespace PecLists.Uploader.Updating;

/// <summary>What the self-update tells the log, in the operator's language: what happened and what, if anything, to do.</summary>
public static class UpdateMessages
{
    public static string NoReleaseKey() => Localized.Text(
        "self-update is off: no 'releaseSigningKeys' in the config (run 'uploader install --release-signing-key <the operator's release key>' to turn it on)",
        "a atualização automática está desligada: não há 'releaseSigningKeys' na configuração (execute 'uploader install --release-signing-key <a chave de versões do operador>' para ligá-la)");

    public static string Unreachable(string error) => Localized.Text(
        $"could not ask the backend for a new uploader version ({error}); the next run asks again",
        $"não foi possível perguntar ao servidor central por uma nova versão do uploader ({error}); a próxima execução pergunta de novo");

    public static string Blocked(string version) => Localized.Text(
        $"uploader {version} is offered but was rolled back on this machine before: it is not installed again until the operator clears it",
        $"o uploader {version} está disponível, mas já foi revertido nesta máquina: ele não é instalado de novo até que o operador o libere");

    public static string AnotherInstalling(string version) => Localized.Text(
        $"uploader {version} is offered, but another uploader process on this machine is installing a release now; this one leaves it to that one",
        $"o uploader {version} está disponível, mas outro processo do uploader nesta máquina está instalando uma versão agora; este deixa a instalação para ele");

    public static string Resuming(string version, long have, long size) => Localized.Text(
        $"uploader {version}: going on with the download from byte {have} of {size}",
        $"uploader {version}: continuando o download a partir do byte {have} de {size}");

    public static string DownloadCut(string version, long have, long size) => Localized.Text(
        $"the download of uploader {version} was cut at {have} of {size} bytes; the next attempt goes on from there",
        $"o download do uploader {version} foi interrompido em {have} de {size} bytes; a próxima tentativa continua de onde parou");

    public static string Updated(string from, string to) => Localized.Text(
        $"uploader updated from {from} to {to}: the next run uses {to} (if it fails, {from} comes back by itself)",
        $"uploader atualizado de {from} para {to}: a próxima execução usa a {to} (se ela falhar, a {from} volta sozinha)");

    public static string Failed(string version, string reason) => Localized.Text(
        $"uploader {version} was not installed: {Explain(reason)} ({reason}); this version keeps running, nothing to do here",
        $"o uploader {version} não foi instalado: {Explain(reason)} ({reason}); esta versão continua em uso, nada a fazer aqui");

    public static string RolledBack(string version, string back, string reason) => Localized.Text(
        $"uploader {version} failed ({Explain(reason)}, {reason}) and was rolled back to {back}; it will not be tried again until the operator clears it",
        $"o uploader {version} falhou ({Explain(reason)}, {reason}) e foi revertido para a {back}; ele não será tentado de novo até que o operador o libere");

    private static string Explain(string reason) => reason switch
    {
        UpdateFailureCodes.DownloadFailed => Localized.Text("the download failed", "o download falhou"),
        UpdateFailureCodes.SizeMismatch => Localized.Text("the download has the wrong size (cut short or padded)", "o arquivo baixado tem o tamanho errado (incompleto ou alterado)"),
        UpdateFailureCodes.DigestMismatch => Localized.Text("the download is not the signed file (SHA-256 differs)", "o arquivo baixado não é o assinado (SHA-256 diferente)"),
        UpdateFailureCodes.BadSignature => Localized.Text("its manifest is not signed by a trusted release key", "o manifesto não está assinado por uma chave de versões confiável"),
        UpdateFailureCodes.ManifestExpired => Localized.Text("its manifest expired", "o manifesto expirou"),
        UpdateFailureCodes.ReleaseRollback => Localized.Text("it is older than a version this machine already ran", "ela é mais antiga que uma versão que esta máquina já executou"),
        UpdateFailureCodes.WrongRuntime => Localized.Text("it is built for another operating system", "ela foi gerada para outro sistema operacional"),
        UpdateFailureCodes.DoctorFailed => Localized.Text("its 'doctor' did not pass here", "o 'doctor' dela não passou aqui"),
        UpdateFailureCodes.CrashedAtStart => Localized.Text("it crashed at start", "ela travou ao iniciar"),
        UpdateFailureCodes.FirstRunFailed => Localized.Text("its first run failed", "a primeira execução dela falhou"),
        _ => reason,
    };
}
