using PecLists.Contracts;
using PecLists.Functions.Lists;

namespace PecLists.Functions.Tests.Lists;

/// <summary>
/// Every publish rule of ADR 0022 refuses with its own code and nothing else: each case breaks exactly one rule of a
/// definition that is otherwise valid, and the refusal's codes are exactly that one. The valid definitions of each
/// kind (append, incremental, HTTP, masked, with views) pass.
/// </summary>
public sealed class PublishRulesTests
{
    private static readonly ListDefinition Plain = new(
        "teste",
        1,
        string.Empty,
        "SELECT id, nome, cpf, nascimento, atualizado_em, apagado_em FROM t",
        [
            new ListColumnDto("id", "bigint"),
            new ListColumnDto("nome", "text"),
            new ListColumnDto("cpf", "text"),
            new ListColumnDto("nascimento", "date"),
            new ListColumnDto("atualizado_em", "timestamptz"),
            new ListColumnDto("apagado_em", "timestamptz"),
        ],
        ["id"]);

    private static readonly ListDefinition Incremental = Plain with { Mode = LoadModes.Incremental, Incremental = new IncrementalDto("atualizado_em", SoftDeleteColumn: "apagado_em") };

    private static readonly ListDefinition Append = Plain with { Mode = LoadModes.Append, Schedule = new ScheduleDto(1, DeliverEveryMinutes: 15) };

    private static readonly ListDefinition Http = new(
        "onibus",
        1,
        string.Empty,
        string.Empty,
        [
            new ListColumnDto("ordem", "text"),
            new ListColumnDto("latitude", "numeric", Field: "posicao.latitude"),
            new ListColumnDto("lido_em", "timestamptz", Field: "datahora", Format: FieldFormats.EpochMilliseconds),
        ],
        ["ordem", "lido_em"],
        Mode: LoadModes.Append,
        Source: new ListSourceDto(
            SourceKinds.Http,
            Url: "https://dados.example.org/gps/{ibge}?formato=json",
            Headers: new Dictionary<string, string> { ["Accept"] = "application/json" },
            SecretHeaders: new Dictionary<string, string> { ["X-Api-Key"] = "gps_api_key" },
            RecordSelector: ["dados", "veiculos"],
            Paginator: new PaginatorDto(PaginatorTypes.NextLink, NextLinkPath: ["links", "proxima"], MaxPages: 50),
            TimeoutSeconds: 30),
        Schedule: new ScheduleDto(1, DeliverEveryMinutes: 10));

    private static readonly Dictionary<string, (ListDefinition Definition, string Code)> Cases = new()
    {
        ["append without a key"] = (Append with { Key = [] }, PublishCodes.KeyRequired),
        ["incremental without a key"] = (Incremental with { Key = [] }, PublishCodes.KeyRequired),
        ["incremental without its cursor part"] = (Incremental with { Incremental = null }, PublishCodes.CursorColumnRequired),
        ["incremental with an empty cursor column"] = (Incremental with { Incremental = new IncrementalDto(" ") }, PublishCodes.CursorColumnRequired),
        ["cursor column not among the columns"] = (Incremental with { Incremental = new IncrementalDto("alterado_em") }, PublishCodes.CursorColumnNotAColumn),
        ["soft-delete column not among the columns"] = (Incremental with { Incremental = new IncrementalDto("atualizado_em", SoftDeleteColumn: "excluido") }, PublishCodes.SoftDeleteColumnNotAColumn),
        ["cursor part on a snapshot list"] = (Plain with { Incremental = new IncrementalDto("atualizado_em") }, PublishCodes.IncrementalInvalid),
        ["negative lookback"] = (Incremental with { Incremental = new IncrementalDto("atualizado_em", LookbackSeconds: -1) }, PublishCodes.IncrementalInvalid),
        ["key set every 0 hours"] = (Incremental with { Incremental = new IncrementalDto("atualizado_em", KeySetEveryHours: 0) }, PublishCodes.IncrementalInvalid),
        ["unknown mode"] = (Plain with { Mode = "upsert" }, PublishCodes.ModeUnknown),
        ["unknown source kind"] = (Plain with { Source = new ListSourceDto("ftp") }, PublishCodes.SourceKindUnknown),
        ["postgres list without sql"] = (Plain with { Sql = " " }, PublishCodes.SqlRequired),
        ["postgres source with a url"] = (Plain with { Source = new ListSourceDto(SourceKinds.Postgres, Url: "https://x.example.org") }, PublishCodes.HttpPartOnPostgres),
        ["field on a postgres column"] = (Plain with { Columns = [.. Plain.Columns.Select(c => c.Name == "nome" ? c with { Field = "pessoa.nome" } : c)] }, PublishCodes.HttpPartOnPostgres),
        ["http without a url"] = (Http with { Source = Http.Source! with { Url = null } }, PublishCodes.HttpUrlRequired),
        ["http with a relative url"] = (Http with { Source = Http.Source! with { Url = "/gps/{ibge}" } }, PublishCodes.HttpUrlRequired),
        ["http with an ftp url"] = (Http with { Source = Http.Source! with { Url = "ftp://dados.example.org/gps" } }, PublishCodes.HttpUrlRequired),
        ["http with sql"] = (Http with { Sql = "SELECT 1" }, PublishCodes.HttpWithSql),
        ["record selector with an empty step"] = (Http with { Source = Http.Source! with { RecordSelector = ["dados", ""] } }, PublishCodes.RecordSelectorInvalid),
        ["credential in the plain headers"] = (Http with { Source = Http.Source! with { Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer abc" } } }, PublishCodes.HttpSourceInvalid),
        ["header both plain and secret"] = (Http with { Source = Http.Source! with { Headers = new Dictionary<string, string> { ["x-api-key"] = "abc" } } }, PublishCodes.HttpSourceInvalid),
        ["header value with a line break"] = (Http with { Source = Http.Source! with { Headers = new Dictionary<string, string> { ["Accept"] = "a\r\nX-Evil: 1" } } }, PublishCodes.HttpSourceInvalid),
        ["timeout of 0 seconds"] = (Http with { Source = Http.Source! with { TimeoutSeconds = 0 } }, PublishCodes.HttpSourceInvalid),
        ["unknown paginator type"] = (Http with { Source = Http.Source! with { Paginator = new PaginatorDto("cursor") } }, PublishCodes.PaginatorTypeUnknown),
        ["next-link paginator without its path"] = (Http with { Source = Http.Source! with { Paginator = new PaginatorDto(PaginatorTypes.NextLink) } }, PublishCodes.PaginatorInvalid),
        ["next-link paginator with a page parameter"] = (Http with { Source = Http.Source! with { Paginator = new PaginatorDto(PaginatorTypes.NextLink, NextLinkPath: ["next"], PageParameter: "page") } }, PublishCodes.PaginatorInvalid),
        ["page-number paginator without its parameter"] = (Http with { Source = Http.Source! with { Paginator = new PaginatorDto(PaginatorTypes.PageNumber) } }, PublishCodes.PaginatorInvalid),
        ["page size without its parameter"] = (Http with { Source = Http.Source! with { Paginator = new PaginatorDto(PaginatorTypes.PageNumber, PageParameter: "page", PageSize: 100) } }, PublishCodes.PaginatorInvalid),
        ["paginator bounded at 0 pages"] = (Http with { Source = Http.Source! with { Paginator = new PaginatorDto(PaginatorTypes.PageNumber, PageParameter: "page", MaxPages: 0) } }, PublishCodes.PaginatorInvalid),
        ["unknown format"] = (Http with { Columns = [.. Http.Columns.Select(c => c.Name == "lido_em" ? c with { Format = "iso-8601" } : c)] }, PublishCodes.FormatUnknown),
        ["epoch format on a text column"] = (Http with { Columns = [.. Http.Columns.Select(c => c.Name == "ordem" ? c with { Format = FieldFormats.EpochSeconds } : c)] }, PublishCodes.FormatTypeMismatch),
        ["field with an empty step"] = (Http with { Columns = [.. Http.Columns.Select(c => c.Name == "latitude" ? c with { Field = "posicao..latitude" } : c)] }, PublishCodes.FieldInvalid),
        ["unknown mask kind"] = (Masked("nome", new ColumnMaskDto("shuffle")), PublishCodes.MaskKindUnknown),
        ["hash on a date"] = (Masked("nascimento", new ColumnMaskDto(MaskKinds.Hash)), PublishCodes.MaskTypeMismatch),
        ["last-digits on a bigint"] = (Masked("id", new ColumnMaskDto(MaskKinds.LastDigits, Digits: 2)) with { Key = ["cpf"] }, PublishCodes.MaskTypeMismatch),
        ["last-digits without digits"] = (Masked("cpf", new ColumnMaskDto(MaskKinds.LastDigits)), PublishCodes.MaskTypeMismatch),
        ["truncate on text"] = (Masked("nome", new ColumnMaskDto(MaskKinds.Truncate, Unit: "month")), PublishCodes.MaskTypeMismatch),
        ["truncate to a unit not allowed"] = (Masked("nascimento", new ColumnMaskDto(MaskKinds.Truncate, Unit: "minute")), PublishCodes.MaskTypeMismatch),
        ["truncate a date to the hour"] = (Masked("nascimento", new ColumnMaskDto(MaskKinds.Truncate, Unit: "hour")), PublishCodes.MaskTypeMismatch),
        ["redact with digits"] = (Masked("nome", new ColumnMaskDto(MaskKinds.Redact, Digits: 3)), PublishCodes.MaskTypeMismatch),
        ["key column redacted"] = (Masked("id", new ColumnMaskDto(MaskKinds.Redact)), PublishCodes.MaskOnKey),
        ["key column cut to its last digits"] = (Masked("cpf", new ColumnMaskDto(MaskKinds.LastDigits, Digits: 4)) with { Key = ["cpf"] }, PublishCodes.MaskOnKey),
        ["key column truncated"] = (Masked("nascimento", new ColumnMaskDto(MaskKinds.Truncate, Unit: "month")) with { Key = ["id", "nascimento"] }, PublishCodes.MaskOnKey),
        ["cursor column truncated to the hour"] = (Incremental with { Columns = [.. Incremental.Columns.Select(c => c.Name == "atualizado_em" ? c with { Mask = new ColumnMaskDto(MaskKinds.Truncate, Unit: "hour") } : c)] }, PublishCodes.MaskOnCursor),
        ["cursor column redacted"] = (Incremental with { Columns = [.. Incremental.Columns.Select(c => c.Name == "atualizado_em" ? c with { Mask = new ColumnMaskDto(MaskKinds.Redact) } : c)] }, PublishCodes.MaskOnCursor),
        ["schedule every 0 minutes"] = (Plain with { Schedule = new ScheduleDto(0) }, PublishCodes.ScheduleInvalid),
        ["deliveries batched on a snapshot list"] = (Plain with { Schedule = new ScheduleDto(5, DeliverEveryMinutes: 60) }, PublishCodes.DeliverEveryNotAppend),
        ["deliveries batched on an incremental list"] = (Incremental with { Schedule = new ScheduleDto(5, DeliverEveryMinutes: 60) }, PublishCodes.DeliverEveryNotAppend),
        ["deliveries not a multiple of the polls"] = (Append with { Schedule = new ScheduleDto(4, DeliverEveryMinutes: 10) }, PublishCodes.DeliverEveryNotMultiple),
        ["view name not an identifier"] = (WithView("Resumo", "SELECT 1 AS n"), PublishCodes.ViewNameInvalid),
        ["view name twice"] = (Plain with { Views = [new("resumo", "SELECT 1 AS n"), new("resumo", "SELECT 2 AS n")] }, PublishCodes.ViewNameInvalid),
        ["view named as its list"] = (WithView("teste", "SELECT 1 AS n"), PublishCodes.ViewNameTaken),
        ["view of two statements"] = (WithView("resumo", "SELECT 1 AS n; DROP TABLE lists.teste"), PublishCodes.ViewNotOneStatement),
        ["view ending with a semicolon"] = (WithView("resumo", "SELECT 1 AS n;"), PublishCodes.ViewNotOneStatement),
        ["view that deletes"] = (WithView("resumo", "DELETE FROM lists.teste"), PublishCodes.ViewNotSelect),
        ["view that creates a table"] = (WithView("resumo", "/* resumo */ CREATE TABLE x AS SELECT 1"), PublishCodes.ViewNotSelect),
    };

    public static TheoryData<string> CaseNames() => [.. Cases.Keys];

    public static TheoryData<string> ValidNames() => [.. Valid.Keys];

    private static readonly Dictionary<string, ListDefinition> Valid = new()
    {
        ["a plain snapshot list"] = Plain,
        ["an explicit snapshot mode over an explicit postgres source"] = Plain with { Mode = LoadModes.Snapshot, Source = new ListSourceDto(SourceKinds.Postgres) },
        ["an append list batching polls"] = Append,
        ["an incremental list with a soft-delete column"] = Incremental with { Schedule = new ScheduleDto(15) },
        ["an HTTP list with a next-link paginator and a secret header"] = Http,
        ["an HTTP list with a page-number paginator, no selector"] = Http with
        {
            Source = Http.Source! with { RecordSelector = null, Paginator = new PaginatorDto(PaginatorTypes.PageNumber, PageParameter: "pagina", StartPage: 0, PageSizeParameter: "tamanho", PageSize: 500) },
        },
        ["masks on the columns that can take them, the key hashed"] = Plain with
        {
            Key = ["cpf"],
            Columns =
            [
                new ListColumnDto("id", "bigint", Mask: new ColumnMaskDto(MaskKinds.Redact)),
                new ListColumnDto("nome", "varchar(80)", Mask: new ColumnMaskDto(MaskKinds.LastDigits, Digits: 3)),
                new ListColumnDto("cpf", "text", Mask: new ColumnMaskDto(MaskKinds.Hash)),
                new ListColumnDto("nascimento", "date", Mask: new ColumnMaskDto(MaskKinds.Truncate, Unit: "month")),
                new ListColumnDto("atualizado_em", "timestamptz", Mask: new ColumnMaskDto(MaskKinds.Truncate, Unit: "hour")),
                new ListColumnDto("apagado_em", "timestamptz"),
            ],
        },
        ["an incremental list masking columns other than its cursor, its key hashed"] = Incremental with
        {
            Key = ["cpf"],
            Columns =
            [
                new ListColumnDto("id", "bigint"),
                new ListColumnDto("nome", "text", Mask: new ColumnMaskDto(MaskKinds.Redact)),
                new ListColumnDto("cpf", "text", Mask: new ColumnMaskDto(MaskKinds.Hash)),
                new ListColumnDto("nascimento", "date", Mask: new ColumnMaskDto(MaskKinds.Truncate, Unit: "month")),
                new ListColumnDto("atualizado_em", "timestamptz"),
                new ListColumnDto("apagado_em", "timestamptz"),
            ],
        },
        ["views that are queries, a comment and parentheses before one"] = Plain with
        {
            Views =
            [
                new("teste_por_mes", "SELECT date_trunc('month', atualizado_em) AS mes, count(*) AS n FROM lists.teste GROUP BY 1"),
                new("teste_recentes", "-- the last week\n(WITH recentes AS (SELECT * FROM lists.teste WHERE atualizado_em > now() - interval '7 days') SELECT * FROM recentes)"),
            ],
        },
    };

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void A_definition_breaking_one_rule_is_refused_with_that_rules_code_alone(string name)
    {
        var (definition, code) = Cases[name];

        var refusals = ListDefinitionRules.Check(definition);

        Assert.Equal([code], refusals.Select(r => r.Code).Distinct());
        Assert.All(refusals, r => Assert.False(string.IsNullOrWhiteSpace(r.Message)));
    }

    [Theory]
    [MemberData(nameof(ValidNames))]
    public void A_valid_definition_of_each_kind_passes(string name) => Assert.Empty(ListDefinitionRules.Check(Valid[name]));

    [Fact]
    public void Every_code_a_case_expects_is_a_publish_code() =>
        Assert.All(Cases.Values, c => Assert.Contains(c.Code, typeof(PublishCodes).GetFields().Select(f => f.GetRawConstantValue() as string)));

    [Fact]
    public void Normalising_leaves_the_defaults_unsaid_so_two_spellings_of_a_plain_list_sign_and_compare_alike()
    {
        var spelledOut = ListDefinitionRules.Normalize(Plain with { Mode = LoadModes.Snapshot, Source = new ListSourceDto(SourceKinds.Postgres), Views = [] });

        Assert.Equal((null, null, null), (spelledOut.Mode, spelledOut.Source, spelledOut.Views));
        Assert.Equal(
            ListDefinitionSignature.CanonicalBytesV3(ListDefinitionRules.Normalize(Plain).ToDto(), DateTimeOffset.UnixEpoch),
            ListDefinitionSignature.CanonicalBytesV3(spelledOut.ToDto(), DateTimeOffset.UnixEpoch));
    }

    private static ListDefinition Masked(string column, ColumnMaskDto mask) =>
        Plain with { Columns = [.. Plain.Columns.Select(c => c.Name == column ? c with { Mask = mask } : c)] };

    private static ListDefinition WithView(string name, string sql) => Plain with { Views = [new DerivedViewDto(name, sql)] };
}
