namespace FaceSorter.Review;

/// <summary>How an approval or rejection of a review item ended; callers map it to an exit code or an HTTP status.</summary>
public enum ReviewOutcome
{
    Done,
    NotFound,

    /// <summary>Already approved or rejected (by the file manager, the CLI or the web).</summary>
    NotPending,

    /// <summary>The person name sanitises to nothing, <c>.</c> or <c>..</c>, so it can never be a folder.</summary>
    InvalidPerson,

    /// <summary>The review file is no longer where its record says, or the record points outside <c>review/</c>.</summary>
    FileMissing,

    /// <summary>
    /// The filesystem refused the file's move or deletion (a folder that refuses writes, a file where the person folder
    /// goes, a full disk). An approval left the item pending and its file in review/; a rejection is recorded, its file still there.
    /// </summary>
    NotDone,
}
