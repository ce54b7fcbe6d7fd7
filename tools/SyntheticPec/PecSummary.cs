namespace SyntheticPec;

/// <summary>
/// Ground truth about a generated municipality, for tests of the lists. People are distinct persons (not
/// <c>tb_fat_cidadao_pec</c> rows); ages are on <see cref="PecSeed.Today"/>; only people with a known birth date count.
/// </summary>
/// <param name="WomenAged25To64">People recorded as FEMININO aged 25 to 64 (the citopatologico population).</param>
/// <param name="WomenAged25To64NeverScreened">Those of them with no cervical cytology collected or examined, ever.</param>
/// <param name="ChildrenUpTo16Months">People aged at most 16 completed months (the vacinacao population).</param>
/// <param name="ChildrenUpTo16MonthsWithoutDose">Those of them with no vaccine dose recorded.</param>
/// <param name="Pregnancies">Pregnancies with at least one prenatal consultation.</param>
/// <param name="PrenatalConsultations">Consultations recording a pregnancy problem (CIAP W03–W85, CID Z32–Z36, O*).</param>
/// <param name="Births">Consultations recording a birth (CIAP W90/W92, CID O80/O82).</param>
/// <param name="Abortions">Consultations recording an abortion (CIAP W82/W83, CID O03/O06).</param>
public sealed record PecSummary(
    int WomenAged25To64,
    int WomenAged25To64NeverScreened,
    int ChildrenUpTo16Months,
    int ChildrenUpTo16MonthsWithoutDose,
    int Pregnancies,
    int PrenatalConsultations,
    int Births,
    int Abortions);
