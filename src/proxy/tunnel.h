// The bytes of a switched connection (a WebSocket after its 101), relayed both ways as
// they come until both sides have closed, or either fails. Asio; included by
// proxy_server.cpp alone (proxy_server.h stays Boost-free).
//
// Contract: what either side sent before the switch and the proxy has already read
// (`client_early`, `upstream_early`: the rest of the buffers the HTTP parsers read into)
// is delivered first, in order. An end of stream from one side is passed on as a
// half-close (shutdown of sending) to the other, whose direction goes on; an error
// either way closes both. No timeout: a quiet tunnel is a WebSocket in use.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>

#include <cstdint>
#include <memory>
#include <vector>

namespace boss::tunnel {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct Relayed {
  std::uint64_t to_upstream = 0;  // bytes the client sent through
  std::uint64_t to_client = 0;    // bytes the upstream sent through
};

// One direction: `early`, then what `from` sends, to `to`, until `from` ends (then `to`
// is half-closed) or an error (then both are closed, which ends the other direction).
inline asio::awaitable<std::uint64_t> pipe(tcp::socket& from, boost::beast::flat_buffer& early, tcp::socket& to,
                                           std::size_t chunk_size) {
  boost::system::error_code ec;
  auto with = asio::redirect_error(asio::use_awaitable, ec);
  std::uint64_t total = co_await asio::async_write(to, early.data(), with);
  early.consume(early.size());
  std::vector<char> chunk(chunk_size);
  while (!ec) {
    const std::size_t got = co_await from.async_read_some(asio::buffer(chunk), with);
    if (ec) break;
    co_await asio::async_write(to, asio::buffer(chunk.data(), got), with);
    if (!ec) total += got;
  }
  boost::system::error_code ignored;
  if (ec == asio::error::eof) {
    to.shutdown(tcp::socket::shutdown_send, ignored);
  } else {
    from.close(ignored);
    to.close(ignored);
  }
  co_return total;
}

// Both directions at once, on the calling coroutine's executor (a strand: no locking);
// returns once both have ended.
inline asio::awaitable<Relayed> relay_both_ways(tcp::socket& client, boost::beast::flat_buffer& client_early,
                                                tcp::socket& upstream, boost::beast::flat_buffer& upstream_early,
                                                std::size_t chunk_size) {
  const auto executor = co_await asio::this_coro::executor;
  struct Down {
    asio::steady_timer done;
    bool finished = false;
    std::uint64_t bytes = 0;
  };
  auto down = std::make_shared<Down>(Down{asio::steady_timer(executor, asio::steady_timer::time_point::max())});
  asio::co_spawn(executor, pipe(upstream, upstream_early, client, chunk_size),
                 [down](std::exception_ptr, std::uint64_t bytes) {
                   down->bytes = bytes;
                   down->finished = true;
                   down->done.cancel();
                 });
  Relayed relayed;
  relayed.to_upstream = co_await pipe(client, client_early, upstream, chunk_size);
  boost::system::error_code ec;
  while (!down->finished) co_await down->done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  relayed.to_client = down->bytes;
  co_return relayed;
}

}  // namespace boss::tunnel
