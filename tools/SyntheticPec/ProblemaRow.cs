namespace SyntheticPec;

internal readonly record struct ProblemaRow(long Id, long Atendimento, long Cid, long Ciap);
