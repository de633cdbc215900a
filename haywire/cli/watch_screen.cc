// Copyright 2026 The Haywire Authors.

#include "haywire/cli/watch_screen.h"

#include <ncurses.h>

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "haywire/cli/exit_codes.h"
#include "haywire/format/process_format.h"
#include "haywire/host/discovery.h"
#include "haywire/util/terminal_text.h"
#include "haywire/watch/frame_text.h"

namespace haywire {
namespace {

// Rows above the process list: five summary lines, the prompt/message line,
// the column heading.
constexpr int kListTop = 7;
constexpr int kKeyEscape = 27;
// How long getch() waits for a key before the loop checks for new frames.
constexpr int kKeyWaitMs = 100;
// How long a notice ("reconnected ...") stays on the status line.
constexpr absl::Duration kNoticeTime = absl::Seconds(5);

enum ColorPair : short { kStartedPair = 1, kExitedPair = 2, kProblemPair = 3 };

const char* const kHelp[] = {
    "Help for haywire watch: the guest's processes, like top",
    "",
    "  q          quit",
    "  P M T N    sort by %CPU, %MEM, TIME+, PID (highest first)",
    "  < >        sort by the column left / right of the current one",
    "  R          reverse the sort order",
    "  /          filter by name or command line: type, Enter applies,",
    "             Esc cancels, an empty filter shows everything again",
    "  c          show command lines instead of process names",
    "  Up Down PageUp PageDown Home End   scroll",
    "  space      refresh now",
    "  h ?        this help",
    "",
    "%CPU is CPU time over the refresh interval, both measured by the guest,",
    "per CPU (100% = one CPU busy). Bold green: started in the last few",
    "seconds; dim red: exited (last values shown).",
    "",
    "Press any key to return.",
};

// RAII for curses mode, so every way out restores the terminal.
class CursesSession {
 public:
  CursesSession() {
    initscr();
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    timeout(kKeyWaitMs);
    if (has_colors()) {
      start_color();
      use_default_colors();
      init_pair(kStartedPair, COLOR_GREEN, -1);
      init_pair(kExitedPair, COLOR_RED, -1);
      init_pair(kProblemPair, COLOR_WHITE, COLOR_RED);
    }
  }
  ~CursesSession() { endwin(); }
  CursesSession(const CursesSession&) = delete;
  CursesSession& operator=(const CursesSession&) = delete;
};

// `text` (terminal-safe) cut to the screen width at row `y` (the rest of the
// row cleared). The curses library here is not multibyte-aware, so non-ASCII
// characters are drawn as '?', one per column (AsciiColumns): every column
// stays where the batch output has it.
void PutLine(int y, const std::string& safe_text, attr_t attrs = A_NORMAL) {
  if (y < 0 || y >= LINES) return;
  const std::string text = AsciiColumns(safe_text);
  move(y, 0);
  clrtoeol();
  attron(attrs);
  addnstr(text.c_str(), std::min<int>(static_cast<int>(text.size()), COLS));
  attroff(attrs);
}

// A whole-width bar (status line, heading).
void PutBar(int y, const std::string& safe_text, attr_t attrs) {
  std::string padded = AsciiColumns(safe_text);
  if (static_cast<int>(padded.size()) < COLS) padded.resize(COLS, ' ');
  PutLine(y, padded, attrs);
}

class WatchScreen {
 public:
  WatchScreen(WatchRefresher* refresher, const WatchScreenOptions& options)
      : refresher_(refresher), options_(options), order_(options.order) {}

  int Run() {
    for (;;) {
      if (std::optional<RefresherState> s =
              refresher_->LatestIfNewer(state_.generation)) {
        state_ = *std::move(s);
        Rebuild();
        dirty_ = true;
        if (options_.iterations > 0 &&
            state_.frames >= static_cast<uint64_t>(options_.iterations) + 1) {
          // +1: the session's first (priming) frame does not count.
          return ExitCodeValue(ExitCode::kOk);
        }
      }
      if (dirty_) Draw();
      const int key = getch();
      if (key == ERR) {
        // The notice expires and the "gone for N s" counter ticks without a
        // new state; redraw the status line now and then.
        if (!state_.notice.empty() || !state_.problem.empty()) dirty_ = true;
        continue;
      }
      if (!HandleKey(key)) return ExitCodeValue(ExitCode::kOk);
      dirty_ = true;
    }
  }

 private:
  // The visible rows of the current frame, in the current order.
  void Rebuild() {
    rows_.clear();
    if (state_.frame.has_value()) {
      rows_ = state_.frame->rows;
      ApplyViewOrder(order_, &rows_);
      pid_width_ = PidWidth(*state_.frame);
    }
  }

  int ListHeight() const { return std::max(0, LINES - kListTop - 1); }

  void ClampScroll() {
    const int max_top =
        std::max(0, static_cast<int>(rows_.size()) - ListHeight());
    scroll_ = std::clamp(scroll_, 0, max_top);
  }

  // False to quit.
  bool HandleKey(int key) {
    if (editing_) {
      EditFilter(key);
      return true;
    }
    if (help_) {
      help_ = false;
      return key != 'q';
    }
    switch (key) {
      case 'q':
        return false;
      case 'P':
        SortBy(Column::kCpu);
        break;
      case 'M':
        SortBy(Column::kMem);
        break;
      case 'T':
        SortBy(Column::kTime);
        break;
      case 'N':
        SortBy(Column::kPid);
        break;
      case '<':
        SortBy(PreviousColumn(order_.sort));
        break;
      case '>':
        SortBy(NextColumn(order_.sort));
        break;
      case 'R':
        order_.reverse = !order_.reverse;
        Rebuild();
        break;
      case 'c':
        full_command_ = !full_command_;
        break;
      case '/':
        editing_ = true;
        draft_ = order_.filter;
        break;
      case 'h':
      case '?':
        help_ = true;
        break;
      case ' ':
        refresher_->RefreshNow();
        break;
      case KEY_UP:
        --scroll_;
        break;
      case KEY_DOWN:
        ++scroll_;
        break;
      case KEY_PPAGE:
        scroll_ -= std::max(1, ListHeight() - 1);
        break;
      case KEY_NPAGE:
        scroll_ += std::max(1, ListHeight() - 1);
        break;
      case KEY_HOME:
        scroll_ = 0;
        break;
      case KEY_END:
        scroll_ = static_cast<int>(rows_.size());
        break;
      case KEY_RESIZE:
        break;  // ncurses updated LINES and COLS; the redraw uses them
      default:
        break;
    }
    return true;
  }

  void SortBy(Column column) {
    order_.sort = column;
    order_.reverse = false;
    scroll_ = 0;
    Rebuild();
  }

  void EditFilter(int key) {
    if (key == kKeyEscape) {
      editing_ = false;
    } else if (key == '\n' || key == '\r' || key == KEY_ENTER) {
      editing_ = false;
      order_.filter = draft_;
      scroll_ = 0;
      Rebuild();
    } else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
      if (!draft_.empty()) draft_.pop_back();
    } else if (key >= 0x20 && key < 0x7F && draft_.size() < 64) {
      draft_.push_back(static_cast<char>(key));
    }
  }

  std::string StatusText() const {
    if (!state_.problem.empty()) return state_.problem;
    if (!state_.notice.empty() &&
        absl::Now() - state_.notice_time < kNoticeTime) {
      return state_.notice;
    }
    std::string text;
    if (state_.frame.has_value()) {
      absl::StrAppend(&text, TerminalSafe(state_.frame->summary.hostname),
                      " (session ", SessionIdText(state_.frame->session_id),
                      ")  ");
    }
    absl::StrAppend(&text, "sort ", ColumnHeading(order_.sort),
                    order_.reverse ? " lowest first" : "");
    if (!order_.filter.empty()) {
      absl::StrAppend(&text, "  filter '", order_.filter, "' (", rows_.size(),
                      " shown)");
    }
    absl::StrAppendFormat(&text, "  every %.1f s  h help  q quit",
                          absl::ToDoubleSeconds(options_.refresher.interval));
    return text;
  }

  void Draw() {
    dirty_ = false;
    erase();
    if (help_) {
      for (int i = 0; i < static_cast<int>(std::size(kHelp)); ++i) {
        PutLine(i, kHelp[i], i == 0 ? A_BOLD : A_NORMAL);
      }
      refresh();
      return;
    }
    if (state_.frame.has_value()) {
      const std::vector<std::string> summary = TopSummaryLines(*state_.frame);
      for (int i = 0; i < static_cast<int>(summary.size()); ++i) {
        PutLine(i, summary[i]);
      }
    } else {
      PutLine(0, "waiting for the first frame...");
    }
    if (editing_) {
      PutLine(5, absl::StrCat("Filter by name: ", draft_, "_"), A_BOLD);
    }
    DrawHeading();
    ClampScroll();
    const int height = ListHeight();
    for (int i = 0; i < height; ++i) {
      const size_t index = static_cast<size_t>(scroll_ + i);
      if (index >= rows_.size()) break;
      const FrameRow& row = rows_[index];
      attr_t attrs = A_NORMAL;
      if (row.change == ProcessChange::Kind::kStarted) {
        attrs = A_BOLD | COLOR_PAIR(kStartedPair);
      } else if (row.change == ProcessChange::Kind::kExited) {
        attrs = A_DIM | COLOR_PAIR(kExitedPair);
      }
      PutLine(kListTop + i, TopRow(row, pid_width_, full_command_), attrs);
    }
    // The status may quote guest text (host names, the companion's error
    // lines): terminal-safe like everything else from the guest.
    PutBar(LINES - 1, TerminalSafe(StatusText()),
           state_.problem.empty() ? A_REVERSE
                                  : (A_BOLD | COLOR_PAIR(kProblemPair) |
                                     (has_colors() ? 0 : A_REVERSE)));
    refresh();
  }

  // The heading in reverse video, the sort column's title in bold.
  void DrawHeading() {
    const std::string heading = TopColumnHeading(pid_width_);
    PutBar(kListTop - 1, heading, A_REVERSE);
    const std::string title(ColumnHeading(order_.sort));
    // Each title occurs once as a whole word in the heading.
    size_t at = heading.find(" " + title + " ");
    at = at == std::string::npos ? heading.find(title) : at + 1;
    if (title == "COMMAND") at = heading.rfind(title);
    if (at != std::string::npos && static_cast<int>(at) < COLS) {
      mvaddnstr(kListTop - 1, static_cast<int>(at), title.c_str(),
                std::min<int>(static_cast<int>(title.size()),
                              COLS - static_cast<int>(at)));
      mvchgat(kListTop - 1, static_cast<int>(at),
              static_cast<int>(title.size()), A_BOLD | A_REVERSE | A_UNDERLINE,
              0, nullptr);
    }
  }

  WatchRefresher* refresher_;
  const WatchScreenOptions& options_;
  ViewOrder order_;
  RefresherState state_;
  std::vector<FrameRow> rows_;
  int pid_width_ = 5;
  int scroll_ = 0;
  bool full_command_ = false;
  bool help_ = false;
  bool editing_ = false;
  std::string draft_;
  bool dirty_ = true;
};

}  // namespace

int RunWatchScreen(std::unique_ptr<GuestPoller> poller, Snapshot first,
                   const WatchScreenOptions& options) {
  WatchRefresher refresher(std::move(poller), std::move(first),
                           options.refresher);
  int status;
  {
    CursesSession curses;
    WatchScreen screen(&refresher, options);
    status = screen.Run();
  }
  // The terminal is restored (CursesSession's destructor) before the
  // refresher's destructor waits for its current, bounded, request.
  return status;
}

}  // namespace haywire
