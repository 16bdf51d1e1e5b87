#include "engine/hijacked_streams.h"

namespace boss {

HijackedStreams::HijackedStreams(std::unique_ptr<RawConnection> connection, bool tty, std::string what)
    : m_connection(std::move(connection)), m_tty(tty), m_what(std::move(what)),
      m_demultiplexer([this](LogLine::Stream stream, std::string_view bytes, bool) {
        if (m_on_output) (*m_on_output)(stream, bytes);
      }) {}

bool HijackedStreams::read(const OutputFn& on_output) {
  if (m_ended) return false;
  char buffer[16384];
  std::size_t got = 0;
  try {
    got = m_connection->read_some(buffer, sizeof buffer);
  } catch (const TransportFailure& failure) {
    throw EngineError(m_what + ": " + failure.what(), 0);
  }
  m_on_output = &on_output;
  struct Forget {
    const OutputFn*& pointer;
    ~Forget() { pointer = nullptr; }
  } forget{m_on_output};
  if (got == 0) {
    m_ended = true;
    if (!m_tty) m_demultiplexer.finish();
    return false;
  }
  const std::string_view bytes(buffer, got);
  if (m_tty)
    on_output(LogLine::Stream::out, bytes);
  else
    m_demultiplexer.feed(bytes);
  return true;
}

void HijackedStreams::write(std::string_view bytes) {
  try {
    m_connection->write_all(bytes);
  } catch (const TransportFailure& failure) {
    throw EngineError(m_what + ": " + failure.what(), 0);
  }
}

void HijackedStreams::close_stdin() { m_connection->shutdown_write(); }

}  // namespace boss
