namespace PecLists.Uploader.Sources;

/// <summary>How a page's JSON differs from what the definition reads.</summary>
public enum JsonPageShape
{
    /// <summary>No value at the record selector's path.</summary>
    RowsMissing,

    /// <summary>The value at the record selector's path is not an array.</summary>
    RowsNotArray,

    /// <summary>An item of the rows array is not an object.</summary>
    RowNotObject,

    /// <summary>The value at the next-link path is neither a string nor null.</summary>
    NextLinkNotText,

    /// <summary>One row (or one value) is larger than <see cref="JsonPageReader.MaxTokenBytes"/>.</summary>
    TooLarge,
}
