package io.pgoperator.app.docs;

import io.pgoperator.runtime.testing.EnvtestBinaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The commands a Markdown file tells its reader to paste: every line of its {@code sh} (or
 * {@code bash}, {@code shell}) fenced blocks, backslash continuations joined, comment lines and
 * trailing comments dropped, spaces collapsed — the text a shell would run.
 */
public final class ShellCommands {

  /** A fenced block: its info string, the line of its opening fence (from 1), and its lines. */
  public record Block(Path file, String info, int line, List<String> lines) {

    public boolean isShell() {
      return info.equals("sh") || info.equals("bash") || info.equals("shell");
    }

    /** The commands in this block, in order. */
    public List<Documented> commands() {
      List<Documented> commands = new ArrayList<>();
      StringBuilder pending = null;
      int start = 0;
      for (int i = 0; i < lines.size(); i++) {
        String text = lines.get(i).strip();
        if (pending == null) {
          if (text.isEmpty() || text.startsWith("#")) {
            continue;
          }
          pending = new StringBuilder();
          start = line + 1 + i;
        }
        boolean continues = text.endsWith("\\");
        pending.append(continues ? text.substring(0, text.length() - 1) : text).append(' ');
        if (!continues) {
          commands.add(new Documented(file, start, normalise(pending.toString())));
          pending = null;
        }
      }
      return commands;
    }
  }

  /** One command as written in {@code file} at {@code line}. */
  public record Documented(Path file, int line, String text) {

    @Override
    public String toString() {
      return EnvtestBinaries.repositoryRoot().relativize(file.toAbsolutePath()) + ":" + line + ": " + text;
    }
  }

  private ShellCommands() {}

  public static List<Block> blocks(Path markdown) {
    List<String> lines;
    try {
      lines = Files.readAllLines(markdown);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + markdown, e);
    }
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String opening = lines.get(i).strip();
      if (!opening.startsWith("```")) {
        continue;
      }
      int from = i + 1;
      int to = from;
      while (to < lines.size() && !lines.get(to).strip().equals("```")) {
        to++;
      }
      blocks.add(new Block(markdown, opening.substring(3).strip(), i + 1, List.copyOf(lines.subList(from, to))));
      i = to;
    }
    return blocks;
  }

  /** Every command of every shell block of {@code markdown}, in document order. */
  public static List<Documented> in(Path markdown) {
    return blocks(markdown).stream().filter(Block::isShell).flatMap(b -> b.commands().stream()).toList();
  }

  /** Drops a trailing {@code # comment} outside quotes and collapses runs of spaces. */
  static String normalise(String command) {
    StringBuilder out = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < command.length(); i++) {
      char c = command.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '#' && (i == 0 || Character.isWhitespace(command.charAt(i - 1)))) {
        break;
      }
      out.append(c);
    }
    return out.toString().strip().replaceAll("\\s+", " ");
  }
}
