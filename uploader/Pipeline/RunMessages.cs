using PecLists.Contracts;
using PecLists.Uploader.Localization;
using PecLists.Uploader.Spooling;
using PecLists.Uploader.Transport;

namespace PecLists.Uploader.Pipeline;

/// <summary>
/// What a run tells the person or the log, in the operator's language (ADR 0005): one method per event, so the
/// pipeline says what happened and the wording lives here. No message carries row content.
/// </summary>
public static class RunMessages
{
    public static string NoSigningKey() => Localized.Text(
        "no valid 'listSigningKey' in the config: nothing runs until 'uploader install --list-signing-key <the operator's public key>' pins it",
        "não há 'listSigningKey' válida na configuração: nada é executado até que 'uploader install --list-signing-key <a chave pública do operador>' a registre");

    public static string Busy() => Localized.Text(
        "another run is already in progress on this machine; this one stops without doing anything",
        "outra execução já está em andamento nesta máquina; esta termina sem fazer nada");

    public static string PartialsQuarantined(int count, string quarantine) => Localized.Text(
        $"moved {count} interrupted spool file(s) to {quarantine}",
        $"{count} arquivo(s) interrompido(s) da fila local movido(s) para {quarantine}");

    public static string NotRestricted(int count, string spoolRoot) => Localized.Text(
        $"{count} file(s) or folder(s) in {spoolRoot} belong to another account and could not be made readable by this one only; run the uploader as the account that owns the spool",
        $"{count} arquivo(s) ou pasta(s) em {spoolRoot} pertencem a outra conta e não puderam ficar legíveis só por esta; execute o uploader com a conta dona da fila local");

    public static string QuarantineExpired(int count, int days, string quarantine) => Localized.Text(
        $"deleted {count} quarantined snapshot(s) older than {days} days from {quarantine}",
        $"{count} envio(s) em quarentena com mais de {days} dias apagado(s) de {quarantine}");

    public static string Finished(int exitCode) => exitCode == ExitCodes.Ok
        ? Localized.Text("run finished: everything sent", "execução concluída: tudo enviado")
        : Localized.Text($"run finished with problems (exit code {exitCode})", $"execução concluída com problemas (código de saída {exitCode})");

    public static string SupersededDropped(string site, int count) => Localized.Text(
        $"site {site}: dropped {count} older spooled snapshot(s); only the newest of each list is sent",
        $"município {site}: {count} envio(s) antigo(s) descartado(s) da fila local; só o mais recente de cada lista é enviado");

    public static string SpooledDamaged(string site, SpooledSnapshot pending, string quarantine) => Localized.Text(
        $"site {site}: spooled snapshot {pending.SnapshotId} of {pending.List} is damaged; moved to {quarantine}",
        $"município {site}: o envio {pending.SnapshotId} de {pending.List} na fila local está danificado; movido para {quarantine}");

    public static string SendingSpooled(string site, SpooledSnapshot pending) => Localized.Text(
        $"site {site}: sending spooled snapshot {pending.SnapshotId} of {pending.List}",
        $"município {site}: enviando {pending.SnapshotId} de {pending.List}, que estava na fila local");

    public static string TokenRefused(string site) => Localized.Text(
        $"site {site}: the backend refused the token. Ask the operator for a new token and run 'uploader install' again.",
        $"município {site}: o servidor central recusou o token. Peça um novo token ao operador e execute 'uploader install' novamente.");

    public static string BackendUnreachableNoCache(string site, string error) => Localized.Text(
        $"site {site}: backend unreachable ({error}) and no list definitions cached yet. Check the network/proxy; the next run will try again.",
        $"município {site}: servidor central inacessível ({error}) e ainda não há definições de listas guardadas. Verifique a rede/proxy; a próxima execução tentará de novo.");

    public static string BackendUnreachableUsingCache(string site, string error, DateTimeOffset fetchedAt) => Localized.Text(
        $"site {site}: backend unreachable ({error}); using the list definitions cached at {fetchedAt:yyyy-MM-dd HH:mm}",
        $"município {site}: servidor central inacessível ({error}); usando as definições de listas guardadas em {fetchedAt:dd/MM/yyyy HH:mm}");

    public static string DefinitionNotRun(string site, RefusedDefinition definition) => definition.Code switch
    {
        DefinitionCodes.NotOneStatement => Localized.Text(
            $"site {site}: {definition.List} v{definition.Version} NOT RUN ({DefinitionCodes.NotOneStatement}): its SQL is more than one statement (or closes the parenthesis it runs in), so it could leave the read-only transaction. Tell the operator.",
            $"município {site}: {definition.List} v{definition.Version} NÃO EXECUTADA ({DefinitionCodes.NotOneStatement}): o SQL tem mais de um comando (ou fecha o parêntese em que é executado) e poderia sair da transação somente leitura. Avise o operador."),
        DefinitionCodes.Unsupported => Localized.Text(
            $"site {site}: {definition.List} v{definition.Version} NOT RUN ({DefinitionCodes.Unsupported}): it is signed, but asks for something this uploader version ({BackendClient.Version}) does not know (a source, load mode, mask or format of a later version); it is not run rather than run without it. Update the uploader.",
            $"município {site}: {definition.List} v{definition.Version} NÃO EXECUTADA ({DefinitionCodes.Unsupported}): está assinada, mas pede algo que esta versão do uploader ({BackendClient.Version}) não conhece (uma origem, modo de carga, máscara ou formato de uma versão posterior); não é executada em vez de ser executada sem isso. Atualize o uploader."),
        DefinitionCodes.NotSigned => Localized.Text(
            $"site {site}: {definition.List} v{definition.Version} NOT RUN ({DefinitionCodes.Signature}): the backend serves it unsigned; this uploader runs only definitions signed by key {definition.KeyId}. Tell the operator.",
            $"município {site}: {definition.List} v{definition.Version} NÃO EXECUTADA ({DefinitionCodes.Signature}): o servidor central a envia sem assinatura; este uploader só executa definições assinadas pela chave {definition.KeyId}. Avise o operador."),
        DefinitionCodes.Undated => Localized.Text(
            $"site {site}: {definition.List} v{definition.Version} NOT RUN ({DefinitionCodes.Undated}): it was signed before definitions carried their signing time. Tell the operator to sign it again with 'lists sign' and publish it.",
            $"município {site}: {definition.List} v{definition.Version} NÃO EXECUTADA ({DefinitionCodes.Undated}): foi assinada antes de as definições levarem a data da assinatura. Peça ao operador que a assine de novo com 'lists sign' e a publique."),
        DefinitionCodes.Expired => Localized.Text(
            $"site {site}: {definition.List} v{definition.Version} NOT RUN ({DefinitionCodes.Expired}): signed longer ago than listDefinitionMaxAgeDays allows. Tell the operator to sign it again and publish it.",
            $"município {site}: {definition.List} v{definition.Version} NÃO EXECUTADA ({DefinitionCodes.Expired}): assinada há mais tempo do que listDefinitionMaxAgeDays permite. Peça ao operador que a assine de novo e a publique."),
        DefinitionCodes.Rollback => Localized.Text(
            $"site {site}: {definition.List} v{definition.Version} NOT RUN ({DefinitionCodes.Rollback}): this uploader already ran a newer version of it; an older definition served again is refused. Tell the operator.",
            $"município {site}: {definition.List} v{definition.Version} NÃO EXECUTADA ({DefinitionCodes.Rollback}): este uploader já executou uma versão mais nova dela; uma definição antiga enviada de novo é recusada. Avise o operador."),
        _ => Localized.Text(
            $"site {site}: {definition.List} v{definition.Version} NOT RUN ({DefinitionCodes.Signature}): its signature does not verify with the pinned key {definition.KeyId} (changed after signing, or signed with another key). Tell the operator.",
            $"município {site}: {definition.List} v{definition.Version} NÃO EXECUTADA ({DefinitionCodes.Signature}): a assinatura não confere com a chave registrada {definition.KeyId} (alterada depois de assinada, ou assinada com outra chave). Avise o operador."),
    };

    public static string BelowDiskFloor(string site, long free, string spoolRoot, long floor) => Localized.Text(
        $"site {site}: only {free / (1024 * 1024):N0} MB free on the spool disk ({spoolRoot}), below spoolMinFreeBytes ({floor / (1024 * 1024):N0} MB): nothing extracted. Free disk space on this server.",
        $"município {site}: só {free / (1024 * 1024):N0} MB livres no disco da fila local ({spoolRoot}), abaixo de spoolMinFreeBytes ({floor / (1024 * 1024):N0} MB): nada foi extraído. Libere espaço em disco neste servidor.");

    public static string Extracted(string site, ListDefinitionDto list, Extraction.ExtractResult extracted) => Localized.Format(
        $"site {site}: extracted {list.Name} v{list.Version}: {extracted.Rows:N0} rows, {extracted.CompressedBytes:N0} bytes compressed in {extracted.Elapsed.TotalSeconds:F1}s",
        $"município {site}: {list.Name} v{list.Version} extraída: {extracted.Rows:N0} linhas, {extracted.CompressedBytes:N0} bytes comprimidos em {extracted.Elapsed.TotalSeconds:F1}s");

    public static string OverCapDropped(string site, long cap, int count) => Localized.Text(
        $"site {site}: spool over {cap} bytes; dropped the {count} oldest pending snapshot(s)",
        $"município {site}: fila local acima de {cap} bytes; {count} envio(s) pendente(s) mais antigo(s) descartado(s)");

    public static string Reading(string site, string list, Incremental.SourceRead read) => read.Since is { } since
        ? Localized.Text(
            $"site {site}: {list}: reading the rows changed since {since} (the acknowledged cursor minus the lookback window)",
            $"município {site}: {list}: lendo as linhas alteradas desde {since} (o cursor confirmado menos a janela de segurança)")
        : read.Kind == DeliveryKinds.KeySet
            ? Localized.Text($"site {site}: {list}: reading the key set (rows deleted at the source are removed centrally)", $"município {site}: {list}: lendo o conjunto de chaves (linhas apagadas na origem são removidas no servidor central)")
            : Localized.Text($"site {site}: {list}: no acknowledged cursor yet: reading the whole list", $"município {site}: {list}: ainda sem cursor confirmado: lendo a lista inteira");

    public static string WatchStarted() => Localized.Text(
        "watch started: lists with a schedule are polled every few minutes until the service stops",
        "monitoramento iniciado: listas com agenda são lidas a cada poucos minutos até o serviço parar");

    public static string WatchMinuteShortened(int seconds) => Localized.Text(
        $"watch: a schedule minute lasts {seconds} s here ('watch.minuteSeconds', for trying an example; 60 in production)",
        $"monitoramento: um minuto da agenda dura {seconds} s aqui ('watch.minuteSeconds', para testar um exemplo; 60 em produção)");

    public static string WatchStopped() => Localized.Text("watch stopped", "monitoramento encerrado");

    public static string BatchClosed(string site, string list, int polls) => Localized.Text(
        $"site {site}: {list}: {polls} poll(s) closed into one delivery",
        $"município {site}: {list}: {polls} leitura(s) reunida(s) em um envio");

    public static string CursorUnreadable(string site, string list) => Localized.Text(
        $"site {site}: {list}: the backend's acknowledged cursor is not a timestamp; nothing was read (report this to the central team)",
        $"município {site}: {list}: o cursor confirmado pelo servidor central não é uma data e hora; nada foi lido (informe a equipe central)");

    public static string CursorColumnRefused(string site, string list, Incremental.CursorColumnException ex) => ex.Problem switch
    {
        Incremental.CursorColumnProblem.Null => Localized.Text(
            $"site {site}: {list}: {ex.NullRows:N0} row(s) have no value in the cursor column '{ex.Column}', so their changes could never be read; nothing was sent. The list's author must fix the definition (e.g. COALESCE(updated_at, created_at) AS {ex.Column})",
            $"município {site}: {list}: {ex.NullRows:N0} linha(s) estão sem valor na coluna de cursor '{ex.Column}', então suas alterações nunca seriam lidas; nada foi enviado. O autor da lista precisa corrigir a definição (ex.: COALESCE(updated_at, created_at) AS {ex.Column})"),
        Incremental.CursorColumnProblem.Missing => Localized.Text(
            $"site {site}: {list}: the query returns no cursor column '{ex.Column}'; nothing was sent (the list's definition must be fixed)",
            $"município {site}: {list}: a consulta não retorna a coluna de cursor '{ex.Column}'; nada foi enviado (a definição da lista precisa ser corrigida)"),
        _ => Localized.Text(
            $"site {site}: {list}: the cursor column '{ex.Column}' holds a value that is not a date or timestamp; nothing was sent (the list's definition must be fixed)",
            $"município {site}: {list}: a coluna de cursor '{ex.Column}' tem um valor que não é data nem data e hora; nada foi enviado (a definição da lista precisa ser corrigida)"),
    };

    public static string IncrementalWithoutCursorOrKey(string site, string list) => Localized.Text(
        $"site {site}: {list}: an incremental list needs a cursor column and a key; this definition has not both, so it was not run",
        $"município {site}: {list}: uma lista incremental precisa de uma coluna de cursor e de uma chave; esta definição não tem as duas, por isso não foi executada");

    public static string NotIncrementalSource(string site, string list) => Localized.Text(
        $"site {site}: {list}: an incremental list needs a PostgreSQL source; it was not run",
        $"município {site}: {list}: uma lista incremental precisa de uma origem PostgreSQL; ela não foi executada");

    public static string NotExtracted(string site, string list, string reason) => Localized.Text(
        $"site {site}: could not extract {list}: {reason}",
        $"município {site}: não foi possível extrair {list}: {reason}");

    /// <summary>A list whose masks could not be applied: nothing of it was spooled. Names the column, never a value.</summary>
    public static string NotMasked(string site, string list, Extraction.MaskingException failure) => failure.Failure switch
    {
        Extraction.MaskFailure.NoKey => Localized.Text(
            $"site {site}: {list} NOT EXTRACTED: it hashes column {failure.Column} and the config has no 'maskingKey'. Ask the operator for the fleet's masking key and add it to the config as \"maskingKey\": {{\"id\": \"…\", \"key\": \"…\"}} (README, \"Masking personal data\"); the other lists are not affected.",
            $"município {site}: {list} NÃO EXTRAÍDA: ela mascara a coluna {failure.Column} por hash e a configuração não tem 'maskingKey'. Peça ao operador a chave de mascaramento da rede e inclua-a na configuração como \"maskingKey\": {{\"id\": \"…\", \"key\": \"…\"}} (README, \"Masking personal data\"); as outras listas não são afetadas."),
        Extraction.MaskFailure.ColumnMissing => Localized.Text(
            $"site {site}: {list} NOT EXTRACTED: its definition masks column {failure.Column}, which the query does not return; nothing was sent. Tell the operator.",
            $"município {site}: {list} NÃO EXTRAÍDA: a definição mascara a coluna {failure.Column}, que a consulta não retorna; nada foi enviado. Avise o operador."),
        _ => Localized.Text(
            $"site {site}: {list} NOT EXTRACTED: column {failure.Column} is truncated as a date, but holds a value that is not a date or time; nothing was sent rather than send it unmasked. Tell the operator.",
            $"município {site}: {list} NÃO EXTRAÍDA: a coluna {failure.Column} é truncada como data, mas tem um valor que não é data nem hora; nada foi enviado, em vez de enviá-lo sem máscara. Avise o operador."),
    };

    public static string SpoolDiskFull(string site, string spoolRoot, string list) => Localized.Text(
        $"site {site}: the spool disk ({spoolRoot}) is full: {list} not extracted. Free disk space on this server.",
        $"município {site}: o disco da fila local ({spoolRoot}) está cheio: {list} não foi extraída. Libere espaço em disco neste servidor.");

    public static string Accepted(string site, SpooledSnapshot snapshot, BlockUpload? blocks = null) => blocks is null
        ? Localized.Text(
            $"site {site}: {snapshot.List} snapshot {snapshot.SnapshotId} accepted",
            $"município {site}: envio {snapshot.SnapshotId} de {snapshot.List} aceito")
        : Localized.Text(
            $"site {site}: {snapshot.List} snapshot {snapshot.SnapshotId} accepted (sent in blocks: {blocks.Bytes} bytes, {blocks.ResumedBytes} already at the backend from an earlier run, {blocks.SentBytes} sent now)",
            $"município {site}: envio {snapshot.SnapshotId} de {snapshot.List} aceito (enviado em blocos: {blocks.Bytes} bytes, {blocks.ResumedBytes} já no servidor de uma execução anterior, {blocks.SentBytes} enviados agora)");

    public static string UploadTokenRefused(string site, UploadResult upload) => Localized.Text(
        $"site {site}: token refused ({(int?)upload.Status}); snapshot kept in the spool. Ask the operator for a new token.",
        $"município {site}: token recusado ({(int?)upload.Status}); o envio continua na fila local. Peça um novo token ao operador.");

    public static string Unchanged(string site, SpooledSnapshot snapshot, long rows) => Localized.Text(
        $"site {site}: {snapshot.List} unchanged ({rows} rows, the same as the backend holds): snapshot {snapshot.SnapshotId} recorded without sending the list",
        $"município {site}: {snapshot.List} sem mudanças ({rows} linhas, as mesmas que o servidor central tem): envio {snapshot.SnapshotId} registrado sem enviar a lista");

    public static string UnchangedNotTaken(string site, SpooledSnapshot snapshot, UnchangedAnswer answer) => Localized.Text(
        $"site {site}: {snapshot.List} is sent whole: the backend does not hold these rows or asks for a full delivery ({(int?)answer.Status} {answer.Code}: {answer.Detail})",
        $"município {site}: {snapshot.List} é enviada inteira: o servidor central não tem estas linhas ou pede um envio completo ({(int?)answer.Status} {answer.Code}: {answer.Detail})");

    public static string Rejected(string site, SpooledSnapshot snapshot, UploadResult upload) => Localized.Text(
        $"site {site}: {snapshot.List} snapshot {snapshot.SnapshotId} rejected ({(int?)upload.Status} {upload.Code}): {upload.Detail}. Moved to quarantine.",
        $"município {site}: envio {snapshot.SnapshotId} de {snapshot.List} recusado ({(int?)upload.Status} {upload.Code}): {upload.Detail}. Movido para a quarentena.");

    public static string BackendBusy(string site, SpooledSnapshot snapshot, int status, UploadResult upload) => Localized.Text(
        $"site {site}: the backend cannot take {snapshot.List} now ({status} {upload.Code}): {upload.Detail} Snapshot kept in the spool for the next run.",
        $"município {site}: o servidor central não pode receber {snapshot.List} agora ({status} {upload.Code}): {upload.Detail} O envio fica na fila local para a próxima execução.");

    public static string Deferred(string site, SpooledSnapshot snapshot, UploadResult upload) => Localized.Text(
        $"site {site}: the backend did not take {snapshot.List} snapshot {snapshot.SnapshotId} ({(int?)upload.Status} {upload.Code ?? "no problem code"}): {upload.Detail} Not a fault of its content: kept in the spool for the next run.",
        $"município {site}: o servidor central não recebeu o envio {snapshot.SnapshotId} de {snapshot.List} ({(int?)upload.Status} {upload.Code ?? "sem código de problema"}): {upload.Detail} Não é defeito do conteúdo: o envio fica na fila local para a próxima execução.");

    public static string UploadUnreachable(string site, SpooledSnapshot snapshot, UploadResult upload) => Localized.Text(
        $"site {site}: backend unreachable for {snapshot.List} ({upload.Code}); snapshot kept in the spool for the next run.",
        $"município {site}: servidor central inacessível para {snapshot.List} ({upload.Code}); o envio fica na fila local para a próxima execução.");

    public static string HeartbeatNotDelivered(string site) => Localized.Text(
        $"site {site}: heartbeat not delivered (the backend is unreachable or refused it)",
        $"município {site}: sinal de vida (heartbeat) não entregue (servidor central inacessível ou recusou)");
}
