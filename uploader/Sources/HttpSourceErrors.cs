using System.Net;
using PecLists.Contracts;
using PecLists.Uploader.Localization;

namespace PecLists.Uploader.Sources;

/// <summary>
/// Every way an HTTP list fails, said once for the municipal IT person in both languages, with its category: what the
/// API did (<c>source-api</c>), how its JSON differs from the definition (<c>source-shape</c>), or what the site's
/// config lacks (<c>config</c>). Pages and rows are counted from 1. No message quotes a row's value or a secret's value.
/// </summary>
public static class HttpSourceErrors
{
    public static HttpSourceException StatusAfterRetries(PageAddress page, HttpStatusCode status, int attempts) => Api(
        $"{page.English}: the API answered HTTP {(int)status} {attempts} time(s) in a row; nothing of this list was sent, the next run tries again",
        $"{page.Portuguese}: a API respondeu HTTP {(int)status} {attempts} vez(es) seguidas; nada desta lista foi enviado, a próxima execução tenta de novo");

    public static HttpSourceException KeyRefused(PageAddress page, HttpStatusCode status, IReadOnlyCollection<string> secretNames) => Api(
        secretNames.Count == 0
            ? $"{page.English}: the API refused the request (HTTP {(int)status}) and the definition sends no key; the API needs one: the operator must add it to the definition's secretHeaders"
            : $"{page.English}: the API refused the key (HTTP {(int)status}): check the secret(s) {string.Join(", ", secretNames)} in the uploader config's 'secrets'",
        secretNames.Count == 0
            ? $"{page.Portuguese}: a API recusou o pedido (HTTP {(int)status}) e a definição não envia chave; a API precisa de uma: o operador deve incluí-la em secretHeaders da definição"
            : $"{page.Portuguese}: a API recusou a chave (HTTP {(int)status}): confira o(s) segredo(s) {string.Join(", ", secretNames)} em 'secrets' na configuração do uploader");

    public static HttpSourceException ClientError(PageAddress page, HttpStatusCode status) => Api(
        $"{page.English}: the API refused the request (HTTP {(int)status}); the address or the parameters in the definition may be out of date",
        $"{page.Portuguese}: a API recusou o pedido (HTTP {(int)status}); o endereço ou os parâmetros da definição podem estar desatualizados");

    public static HttpSourceException Redirected(PageAddress page, HttpStatusCode status, Uri? location) => Api(
        $"{page.English}: the API redirects (HTTP {(int)status}) to {Without(location)}; keys are not sent after a redirect: the definition must use the final address",
        $"{page.Portuguese}: a API redireciona (HTTP {(int)status}) para {Without(location)}; chaves não são enviadas após um redirecionamento: a definição deve usar o endereço final");

    public static HttpSourceException RetryAfterTooLong(PageAddress page, TimeSpan wait, double maxSeconds) => Api(
        $"{page.English}: the API asks to wait {wait.TotalSeconds:F0} s before trying again, more than http.maxRetryAfterSeconds ({maxSeconds:F0} s); the next run tries again",
        $"{page.Portuguese}: a API pede para esperar {wait.TotalSeconds:F0} s antes de tentar de novo, mais que http.maxRetryAfterSeconds ({maxSeconds:F0} s); a próxima execução tenta de novo");

    public static HttpSourceException Unreachable(PageAddress page, Exception cause, int attempts) => Api(
        $"{page.English}: the API could not be reached ({Cause(cause)}) after {attempts} attempt(s); check this server's internet access and proxy",
        $"{page.Portuguese}: a API não pôde ser acessada ({Cause(cause)}) após {attempts} tentativa(s); confira o acesso à internet e o proxy deste servidor",
        cause);

    public static HttpSourceException TimedOut(PageAddress page, int timeoutSeconds, int attempts) => Api(
        $"{page.English}: the API did not answer the whole page within {timeoutSeconds} s (source.timeoutSeconds), {attempts} attempt(s)",
        $"{page.Portuguese}: a API não entregou a página inteira em {timeoutSeconds} s (source.timeoutSeconds), {attempts} tentativa(s)");

    public static HttpSourceException NotJson(PageAddress page, string? mediaType) => Api(
        $"{page.English}: the API answered {mediaType ?? "something"} instead of JSON (a maintenance, login or proxy error page?)",
        $"{page.Portuguese}: a API respondeu {mediaType ?? "algo"} em vez de JSON (uma página de manutenção, de login ou de erro de um proxy?)");

    public static HttpSourceException InvalidJson(PageAddress page, long line, long bytePosition) => Api(
        $"{page.English}: the API's answer is not valid JSON (line {line + 1}, byte {bytePosition + 1})",
        $"{page.Portuguese}: a resposta da API não é um JSON válido (linha {line + 1}, byte {bytePosition + 1})");

    public static HttpSourceException TooManyPages(PageAddress page, int maxPages) => Api(
        $"{page.English}: the API has more than {maxPages} pages (paginator.maxPages); a loop in its links? nothing of this list was sent",
        $"{page.Portuguese}: a API tem mais de {maxPages} páginas (paginator.maxPages); um ciclo nos seus links? nada desta lista foi enviado");

    public static HttpSourceException LinkLoop(PageAddress page, int earlierPage) => Api(
        $"{page.English}: the next-page link points back to page {earlierPage} (a loop in the API's links); nothing of this list was sent",
        $"{page.Portuguese}: o link da próxima página aponta de volta para a página {earlierPage} (um ciclo nos links da API); nada desta lista foi enviado");

    public static HttpSourceException Shape(PageAddress page, JsonPageShapeException shape) => shape.Shape switch
    {
        JsonPageShape.RowsMissing => Changed(
            $"{page.English}: there is no '{shape.Path}' (source.recordSelector) in the answer",
            $"{page.Portuguese}: não há '{shape.Path}' (source.recordSelector) na resposta"),
        JsonPageShape.RowsNotArray => Changed(
            $"{page.English}: '{shape.Path}' (source.recordSelector) is {ColumnConverter.KindName(shape.Found, true)}, not an array of rows",
            $"{page.Portuguese}: '{shape.Path}' (source.recordSelector) é {ColumnConverter.KindName(shape.Found, false)}, não uma lista (array) de linhas"),
        JsonPageShape.RowNotObject => Changed(
            $"{page.English}, row {shape.RowIndex + 1}: the row is {ColumnConverter.KindName(shape.Found, true)}, not an object",
            $"{page.Portuguese}, linha {shape.RowIndex + 1}: a linha é {ColumnConverter.KindName(shape.Found, false)}, não um objeto"),
        JsonPageShape.NextLinkNotText => Changed(
            $"{page.English}: the next-page link '{shape.Path}' is {ColumnConverter.KindName(shape.Found, true)}, not text",
            $"{page.Portuguese}: o link da próxima página '{shape.Path}' é {ColumnConverter.KindName(shape.Found, false)}, não um texto"),
        _ => Changed(
            $"{page.English}: a row or value is larger than {JsonPageReader.MaxTokenBytes / (1024 * 1024)} MB",
            $"{page.Portuguese}: uma linha ou valor tem mais de {JsonPageReader.MaxTokenBytes / (1024 * 1024)} MB"),
    };

    public static HttpSourceException MissingField(PageAddress page, long row, ListColumnDto column, FieldPath field, FieldLookup lookup) => Changed(
        $"{page.English}, row {row + 1}: column {column.Name} reads field '{field.Text}', but the row has no '{lookup.MissingAt}'{Inside(lookup, true)}",
        $"{page.Portuguese}, linha {row + 1}: a coluna {column.Name} lê o campo '{field.Text}', mas a linha não tem '{lookup.MissingAt}'{Inside(lookup, false)}");

    public static HttpSourceException NotConverted(PageAddress page, long row, ListColumnDto column, FieldPath field, ValueConversionException why) => Changed(
        $"{page.English}, row {row + 1}: column {column.Name} (field '{field.Text}', {column.Type}) got {why.Message}",
        $"{page.Portuguese}, linha {row + 1}: a coluna {column.Name} (campo '{field.Text}', {column.Type}) recebeu {why.Message}");

    public static HttpSourceException BadFieldPath(ListColumnDto column) => Changed(
        $"column {column.Name}'s field '{column.Field}' has an empty segment",
        $"o campo '{column.Field}' da coluna {column.Name} tem um segmento vazio");

    public static HttpSourceException MissingSecret(string header, string secretName) => new(FailureCategories.Config, ExitCodes.Config, Localized.Text(
        $"the list sends header {header} with the secret '{secretName}', which is not in the uploader config's 'secrets': add \"{secretName}\": \"<the key>\" there",
        $"a lista envia o cabeçalho {header} com o segredo '{secretName}', que não está em 'secrets' na configuração do uploader: inclua \"{secretName}\": \"<a chave>\" ali"));

    public static HttpSourceException SecretInClear(Uri url) => Api(
        $"the list would send a secret to {Without(url)} over http://, in clear; the definition must use https://",
        $"a lista enviaria um segredo para {Without(url)} por http://, sem criptografia; a definição deve usar https://");

    public static HttpSourceException BadDefinition(string english, string portuguese) => Api(english, portuguese);

    private static HttpSourceException Api(string english, string portuguese, Exception? cause = null) =>
        new(FailureCategories.SourceApi, ExitCodes.SourceApi, Localized.Text(english, portuguese), cause);

    private static HttpSourceException Changed(string english, string portuguese) =>
        new(FailureCategories.SourceShape, ExitCodes.SourceApi, Localized.Text(english, portuguese));

    private static string Inside(FieldLookup lookup, bool english) => lookup.MissingIn is System.Text.Json.JsonValueKind.Object
        ? string.Empty
        : english
            ? $" (its parent is {ColumnConverter.KindName(lookup.MissingIn, true)})"
            : $" (o pai é {ColumnConverter.KindName(lookup.MissingIn, false)})";

    /// <summary>An address without its query: a query may carry a token the API handed out.</summary>
    private static string Without(Uri? url) => url is null ? "?" : url.GetLeftPart(UriPartial.Path);

    /// <summary>The innermost cause's type and message: transport messages carry addresses, never headers.</summary>
    private static string Cause(Exception ex)
    {
        var inner = ex;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return $"{inner.GetType().Name}: {inner.Message}";
    }
}
