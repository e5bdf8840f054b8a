package dev.datamix.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Claims an output directory for one kind of work ({@code what}: "run directory", "corpus", ...)
 * under an {@link ExistingOutput} mode. A directory is recognised as that work's by marker files
 * (for a run, {@code metrics.jsonl} or {@code checkpoints}). Overwriting deletes only a
 * directory that holds a marker; a non-empty directory without one is never deleted.
 *
 * @param what names the kind of directory in messages, for example {@code "run directory"}
 * @param markers file names, any of which marks a directory as this kind of work
 * @param resumable whether such work can be resumed at all
 */
public record OutputDirectory(String what, List<String> markers, boolean resumable) {

  /** Validates and copies. */
  public OutputDirectory {
    markers = List.copyOf(markers);
    if (markers.isEmpty()) {
      throw new IllegalArgumentException("markers must not be empty");
    }
  }

  /**
   * Prepares {@code dir} for work under {@code mode}: creates it when missing.
   *
   * @return whether existing work was found (and, under {@link ExistingOutput#RESUME}, is to be
   *     continued; under {@link ExistingOutput#OVERWRITE}, was deleted)
   * @throws OutputExistsException if {@code dir} is not empty under {@link ExistingOutput#REFUSE},
   *     holds no such work under {@link ExistingOutput#RESUME} or {@link
   *     ExistingOutput#OVERWRITE} while not empty, or {@code mode} is {@code RESUME} for work that
   *     cannot be resumed
   * @throws IOException if the directory cannot be listed, deleted or created
   */
  public boolean claim(Path dir, ExistingOutput mode) throws IOException {
    List<String> found = markersIn(dir);
    boolean empty = isEmpty(dir);
    switch (mode) {
      case REFUSE -> {
        if (!empty) {
          throw found.isEmpty() ? notOurs(dir, "write into it")
              : new OutputExistsException(what + " " + dir + " already holds " + found,
                  (resumable ? "resume it to continue it, or overwrite it to delete it and "
                      + "start again" : "overwrite it to replace it")
                  + ", or choose another directory", dir, resumable, true);
        }
      }
      case RESUME -> {
        if (!resumable) {
          throw new IllegalArgumentException(what + " work cannot be resumed; overwrite " + dir
              + " or choose another directory");
        }
        if (found.isEmpty()) {
          if (!empty) {
            throw notOurs(dir, "resume it");
          }
          throw new OutputExistsException("nothing to resume: " + what + " " + dir
              + " holds none of " + markers, "start it without resuming", dir, false, false);
        }
      }
      case OVERWRITE -> {
        if (!empty) {
          if (found.isEmpty()) {
            throw notOurs(dir, "delete it");
          }
          AtomicFiles.deleteRecursively(dir);
        }
      }
      default -> throw new IllegalStateException(mode.toString());
    }
    Files.createDirectories(dir);
    return !found.isEmpty();
  }

  /**
   * {@link ExistingOutput#RESUME} if {@code dir} holds this kind of work, else {@link
   * ExistingOutput#REFUSE}: for evidence harnesses that continue their own output by design.
   */
  public ExistingOutput resumeIfPresent(Path dir) {
    return markersIn(dir).isEmpty() ? ExistingOutput.REFUSE : ExistingOutput.RESUME;
  }

  /** The markers present in {@code dir}, in the order of {@link #markers()}. */
  public List<String> markersIn(Path dir) {
    List<String> out = new ArrayList<>();
    for (String m : markers) {
      if (Files.exists(dir.resolve(m))) {
        out.add(m);
      }
    }
    return out;
  }

  private OutputExistsException notOurs(Path dir, String action) {
    return new OutputExistsException(dir + " is not empty and is not a datamix " + what
        + " (it holds none of " + markers + ")", "refusing to " + action
        + ": choose another directory", dir, false, false);
  }

  /**
   * Whether {@code dir} is missing or an empty directory.
   *
   * @throws OutputExistsException if it is a file
   */
  public static boolean isEmpty(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return true;
    }
    if (!Files.isDirectory(dir)) {
      throw new OutputExistsException(dir + " exists and is not a directory",
          "choose another path", dir, false, false);
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }
}
