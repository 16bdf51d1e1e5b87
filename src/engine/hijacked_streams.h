// AttachedStreams over a connection the engine took over (attach, exec start): the bytes
// it sends are the process's output, framed (stream_demux.h) without a TTY and raw with
// one; the bytes written to it are the process's stdin.
#pragma once

#include <memory>

#include "core/engine.h"
#include "engine/http_transport.h"
#include "engine/stream_demux.h"

namespace boss {

class HijackedStreams : public AttachedStreams {
 public:
  // `what` prefixes errors ("exec in container web").
  HijackedStreams(std::unique_ptr<RawConnection> connection, bool tty, std::string what);

  int fd() const override { return m_connection->fd(); }
  bool read(const OutputFn& on_output) override;
  void write(std::string_view bytes) override;
  void close_stdin() override;

 private:
  std::unique_ptr<RawConnection> m_connection;
  bool m_tty;
  std::string m_what;
  const OutputFn* m_on_output = nullptr;  // during read()
  StreamDemultiplexer m_demultiplexer;
  bool m_ended = false;
};

}  // namespace boss
