namespace SyntheticPec;

internal readonly record struct CidadaoRow(
    long Id, string? Name, string? SocialName, long Birth, long Sexo, string? Cpf, string? Cns, string? Phone,
    int Faleceu, long Municipio);
