namespace PecLists.Uploader.Sources;

/// <summary>The families of PostgreSQL column types a JSON value is checked against before it is written.</summary>
public enum ColumnKind
{
    /// <summary>text, varchar, date, timestamp, uuid…: a string is written as it is; PostgreSQL checks it centrally.</summary>
    Text,

    /// <summary>smallint, integer, bigint: a whole number.</summary>
    WholeNumber,

    /// <summary>numeric, real, double precision: any number.</summary>
    Number,

    /// <summary>boolean.</summary>
    Boolean,
}
