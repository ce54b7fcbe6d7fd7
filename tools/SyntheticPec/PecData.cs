namespace SyntheticPec;

/// <summary>Everything <see cref="PecDatabase.PopulateAsync"/> writes, generated in memory first.</summary>
internal sealed class PecData
{
    public required DateOnly FirstDay { get; init; }
    public required DateOnly LastDay { get; init; }
    public required IReadOnlyList<CodeRow> Sexos { get; init; }
    public required IReadOnlyList<CodeRow> Equipes { get; init; }
    public required IReadOnlyList<CodeRow> Unidades { get; init; }
    public required IReadOnlyList<ProfissionalRow> Profissionais { get; init; }
    public required IReadOnlyList<CodeRow> Cbos { get; init; }
    public required IReadOnlyList<CodeRow> Cids { get; init; }
    public required IReadOnlyList<CodeRow> Ciaps { get; init; }
    public required IReadOnlyList<MunicipioRow> Municipios { get; init; }
    public required IReadOnlyList<CidadaoRow> Cidadaos { get; init; }
    public required IReadOnlyList<CadRow> Cadastros { get; init; }
    public required IReadOnlyList<AtdRow> Atendimentos { get; init; }
    public required IReadOnlyList<ProblemaRow> Problemas { get; init; }
    public required IReadOnlyList<VisitaRow> Visitas { get; init; }
    public required IReadOnlyList<CodeRow> Procedimentos { get; init; }
    public required IReadOnlyList<ImunobiologicoRow> Imunobiologicos { get; init; }
    public required IReadOnlyList<CodeRow> Doses { get; init; }
    public required IReadOnlyList<AtdProcRow> AtdProcedimentos { get; init; }
    public required IReadOnlyList<ProcedRow> Proced { get; init; }
    public required IReadOnlyList<OdontoRow> Odonto { get; init; }
    public required IReadOnlyList<VacinacaoRow> Vacinacoes { get; init; }
    public required IReadOnlyList<VacinaRow> Vacinas { get; init; }
    public required PecSummary Summary { get; init; }
    public required IReadOnlyList<KeyValuePair<string, string>> Config { get; init; }
    public required IReadOnlyList<MigracaoRow> Migracoes { get; init; }
    public required IReadOnlyList<ProcessamentoRow> Processamentos { get; init; }
}
