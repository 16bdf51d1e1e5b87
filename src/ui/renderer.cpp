#include "ui/renderer.h"

#include "ui/json_renderer.h"
#include "ui/plain_renderer.h"
#include "ui/quiet_renderer.h"
#include "ui/tty_renderer.h"

namespace boss {

std::unique_ptr<Renderer> make_renderer(const ProgressChoice& choice, const RendererOptions& options) {
  switch (choice.mode) {
    case ProgressMode::tty: {
      TtyRenderer::Options tty;
      tty.out = options.out;
      tty.err = options.err;
      tty.verbose = options.verbose;
      tty.color = choice.color;
      std::FILE* out = options.out;
      tty.size = [out] { return terminal_size(out); };
      return std::make_unique<TtyRenderer>(std::move(tty));
    }
    case ProgressMode::json: return std::make_unique<JsonRenderer>(options.out, options.verbose);
    case ProgressMode::quiet: return std::make_unique<QuietRenderer>(options.out, options.err, options.verbose);
    case ProgressMode::plain: break;
  }
  return std::make_unique<PlainRenderer>(options.out, options.err, options.verbose);
}

}  // namespace boss
