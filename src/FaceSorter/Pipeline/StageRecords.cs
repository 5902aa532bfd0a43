using FaceSorter.Decisions;
using FaceSorter.Media;
using FaceSorter.Moving;

namespace FaceSorter.Pipeline;

// What one file carries between the stages, one immutable record per boundary, each made by the
// stage before it from the record it was given (docs/architecture.md, "The pipeline"). Nothing live
// (streams, connections, event args, libvips images) is ever carried: the one decode of a picture
// travels as its encoded results (DecodedPicture, docs/architecture.md, "One decode per file"). The journey starts as an InboxFile:
//   InboxFile --HashStage--> HashedFile (to the face service) or CheckedFile (rule 0 or 1 already known)
//   HashedFile --FaceCheckStage--> CheckedFile
//   CheckedFile --SortPlan--> DecidedFile --MoveStage--> SortedFile (then watched by LateWrites)

/// <summary>A drop-folder file that starts like a media type, hashed, with no earlier copy: the face service is asked next.</summary>
/// <param name="Hash">Lower-case hex SHA-256 of the content, claimed in the store for this path.</param>
/// <param name="Picture">The file's one decode (fingerprint input, ML preview, review thumbnail); null when libvips cannot decode it.</param>
public sealed record HashedFile(InboxFile File, string Hash, DecodedPicture? Picture = null);

/// <summary>A file whose decision inputs are complete: rule 0 or 1 hit, or the faces are known.</summary>
/// <param name="Hash">Lower-case hex SHA-256 of the content (recorded on the review row, so the review watcher can follow the file).</param>
/// <param name="ClaimsContent">
/// False for a file ruled out by its leading bytes (rule 0): its hash is recorded but the content is
/// claimed by no one, since an identical copy is ruled out by its bytes again before any duplicate check.
/// </param>
/// <param name="Picture">As in <see cref="HashedFile"/>, without its ML preview once the face service has seen it; its thumbnail is kept for a file routed to review.</param>
public sealed record CheckedFile(InboxFile File, string? Hash, DecisionInput Input, bool ClaimsContent = true, DecodedPicture? Picture = null);

/// <summary>A file decided, with the journalled move that carries the decision out (target folder, name with its prefix, record).</summary>
/// <param name="Hash">As in <see cref="CheckedFile"/>.</param>
public sealed record DecidedFile(InboxFile File, string? Hash, Decision Decision, MoveRequest Move);

/// <summary>A file moved out of the drop folder and recorded.</summary>
/// <param name="File">The file as it was observed in the drop folder (path, size and mtime when hashed).</param>
/// <param name="Hash">As in <see cref="CheckedFile"/>.</param>
/// <param name="FinalPath">Where it is now, under <c>faces/</c> or <c>review/</c> (a clash-free variant of the planned name).</param>
public sealed record SortedFile(InboxFile File, string? Hash, Decision Decision, string FinalPath);
