//! The chunk exchange protocol: ask a peer for a chunk's canonical bytes by content hash.
//!
//! Each message on a stream is a little-endian `u32` length and then that many bytes of SCALE.
//! Both sides refuse a length over their hard limit before reading the body, so no peer can
//! make another buffer more than [`MAX_RESPONSE_BYTES`].

use crate::chunk_bytes::MAX_CHUNK_BYTES;
use codec::{Decode, DecodeLimit, Encode};
use futures::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use libp2p::StreamProtocol;
use playnet_primitives::ContentHash;
use std::io;

/// The protocol's name.
pub const CHUNK_PROTOCOL: StreamProtocol = StreamProtocol::new("/playnet/chunk/1");
/// The largest request body, in bytes (a request is a hash and a tag: 33 bytes).
pub const MAX_REQUEST_BYTES: usize = 64;
/// The largest response body, in bytes: the largest chunk and the SCALE framing around it.
pub const MAX_RESPONSE_BYTES: usize = MAX_CHUNK_BYTES + 16;
const MAX_DECODE_DEPTH: u32 = 4;

/// A request for a chunk.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode)]
pub enum ChunkRequest {
	/// The canonical bytes whose BLAKE3 hash is this.
	#[codec(index = 0)]
	ByHash(ContentHash),
}

/// The answer to a [`ChunkRequest`].
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub enum ChunkResponse {
	/// The chunk's canonical bytes.
	#[codec(index = 0)]
	Found(Vec<u8>),
	/// The peer does not have the chunk.
	#[codec(index = 1)]
	NotFound,
	/// The request broke the protocol; the peer counts it against the sender.
	#[codec(index = 2)]
	Rejected(RequestError),
}

/// Why an inbound request is refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, thiserror::Error)]
pub enum RequestError {
	/// The request's length prefix is over [`MAX_REQUEST_BYTES`].
	#[error("request of {0} bytes is over the {MAX_REQUEST_BYTES}-byte limit")]
	#[codec(index = 0)]
	TooLarge(u32),
	/// The request body is not a SCALE [`ChunkRequest`].
	#[error("malformed request")]
	#[codec(index = 1)]
	Malformed,
}

/// A request as read from or written to a stream. Inbound requests that break the protocol
/// still reach the service (as `Invalid`) so that it can answer and penalise the sender; the
/// request-response behaviour would otherwise drop them without naming the peer.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) enum RequestFrame {
	Valid(ChunkRequest),
	Invalid(RequestError),
	/// Raw bytes sent as they are, to test how peers treat bad requests.
	#[cfg(test)]
	Raw(Vec<u8>),
}

/// Why a response could not be read; carried inside the `io::Error` so the service can tell a
/// misbehaving peer from a broken connection.
#[derive(Clone, Copy, PartialEq, Eq, Debug, thiserror::Error)]
pub enum ResponseError {
	/// The response's length prefix is over [`MAX_RESPONSE_BYTES`].
	#[error("response of {0} bytes is over the {MAX_RESPONSE_BYTES}-byte limit")]
	TooLarge(u32),
	/// The response body is not a SCALE [`ChunkResponse`].
	#[error("malformed response")]
	Malformed,
}

impl ResponseError {
	/// The protocol breach inside `error`, if that is what it is.
	pub fn from_io(error: &io::Error) -> Option<ResponseError> {
		error.get_ref().and_then(|inner| inner.downcast_ref::<ResponseError>()).copied()
	}
}

/// Length-prefixed SCALE with hard size limits.
#[derive(Clone, Copy, Default)]
pub(crate) struct ChunkCodec;

async fn read_length<T: AsyncRead + Unpin + Send>(io: &mut T) -> io::Result<u32> {
	let mut prefix = [0u8; 4];
	io.read_exact(&mut prefix).await?;
	Ok(u32::from_le_bytes(prefix))
}

async fn write_frame<T: AsyncWrite + Unpin + Send>(io: &mut T, body: &[u8]) -> io::Result<()> {
	let length = u32::try_from(body.len())
		.map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "frame over 4 GiB"))?;
	io.write_all(&length.to_le_bytes()).await?;
	io.write_all(body).await?;
	io.close().await
}

#[async_trait::async_trait]
impl libp2p::request_response::Codec for ChunkCodec {
	type Protocol = StreamProtocol;
	type Request = RequestFrame;
	type Response = ChunkResponse;

	async fn read_request<T>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<RequestFrame>
	where
		T: AsyncRead + Unpin + Send,
	{
		let length = read_length(io).await?;
		if length as usize > MAX_REQUEST_BYTES {
			// The body is never read: the stream is answered and closed.
			return Ok(RequestFrame::Invalid(RequestError::TooLarge(length)));
		}
		let mut body = vec![0u8; length as usize];
		io.read_exact(&mut body).await?;
		Ok(match ChunkRequest::decode_all_with_depth_limit(MAX_DECODE_DEPTH, &mut &body[..]) {
			Ok(request) => RequestFrame::Valid(request),
			Err(_) => RequestFrame::Invalid(RequestError::Malformed),
		})
	}

	async fn read_response<T>(
		&mut self,
		_: &StreamProtocol,
		io: &mut T,
	) -> io::Result<ChunkResponse>
	where
		T: AsyncRead + Unpin + Send,
	{
		let length = read_length(io).await?;
		if length as usize > MAX_RESPONSE_BYTES {
			return Err(io::Error::new(
				io::ErrorKind::InvalidData,
				ResponseError::TooLarge(length),
			));
		}
		let mut body = vec![0u8; length as usize];
		io.read_exact(&mut body).await?;
		ChunkResponse::decode_all_with_depth_limit(MAX_DECODE_DEPTH, &mut &body[..])
			.map_err(|_| io::Error::new(io::ErrorKind::InvalidData, ResponseError::Malformed))
	}

	async fn write_request<T>(
		&mut self,
		_: &StreamProtocol,
		io: &mut T,
		request: RequestFrame,
	) -> io::Result<()>
	where
		T: AsyncWrite + Unpin + Send,
	{
		match request {
			RequestFrame::Valid(request) => write_frame(io, &request.encode()).await,
			RequestFrame::Invalid(_) => {
				Err(io::Error::new(io::ErrorKind::InvalidInput, "an invalid request is never sent"))
			}
			#[cfg(test)]
			RequestFrame::Raw(bytes) => write_frame(io, &bytes).await,
		}
	}

	async fn write_response<T>(
		&mut self,
		_: &StreamProtocol,
		io: &mut T,
		response: ChunkResponse,
	) -> io::Result<()>
	where
		T: AsyncWrite + Unpin + Send,
	{
		write_frame(io, &response.encode()).await
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use futures::io::Cursor;
	use libp2p::request_response::Codec;

	fn frame(body: &[u8]) -> Vec<u8> {
		let mut bytes = (body.len() as u32).to_le_bytes().to_vec();
		bytes.extend_from_slice(body);
		bytes
	}

	fn read_request(bytes: Vec<u8>) -> io::Result<RequestFrame> {
		futures::executor::block_on(
			ChunkCodec.read_request(&CHUNK_PROTOCOL, &mut Cursor::new(bytes)),
		)
	}

	fn read_response(bytes: Vec<u8>) -> io::Result<ChunkResponse> {
		futures::executor::block_on(
			ChunkCodec.read_response(&CHUNK_PROTOCOL, &mut Cursor::new(bytes)),
		)
	}

	#[test]
	fn a_request_round_trips() {
		let request = ChunkRequest::ByHash(ContentHash::of(b"chunk"));
		let frame = frame(&request.encode());
		assert_eq!(read_request(frame).unwrap(), RequestFrame::Valid(request));
	}

	#[test]
	fn an_oversized_request_is_invalid_without_reading_its_body() {
		// Only the length prefix arrives: the body is never awaited.
		let prefix = ((MAX_REQUEST_BYTES + 1) as u32).to_le_bytes().to_vec();
		assert_eq!(
			read_request(prefix).unwrap(),
			RequestFrame::Invalid(RequestError::TooLarge(MAX_REQUEST_BYTES as u32 + 1))
		);
	}

	#[test]
	fn a_malformed_request_is_invalid() {
		assert_eq!(
			read_request(frame(&[9, 9])).unwrap(),
			RequestFrame::Invalid(RequestError::Malformed)
		);
	}

	#[test]
	fn an_oversized_response_is_an_error_naming_the_breach() {
		let prefix = ((MAX_RESPONSE_BYTES + 1) as u32).to_le_bytes().to_vec();
		let error = read_response(prefix).unwrap_err();
		assert_eq!(
			ResponseError::from_io(&error),
			Some(ResponseError::TooLarge(MAX_RESPONSE_BYTES as u32 + 1))
		);
	}

	#[test]
	fn a_malformed_response_is_an_error_naming_the_breach() {
		let error = read_response(frame(&[7])).unwrap_err();
		assert_eq!(ResponseError::from_io(&error), Some(ResponseError::Malformed));
	}

	/// `body` behind a length prefix of `declared` (its own length when `None`).
	fn framed(declared: Option<u32>, body: &[u8]) -> (u32, Vec<u8>) {
		let declared = declared.unwrap_or(body.len() as u32);
		let mut bytes = declared.to_le_bytes().to_vec();
		bytes.extend_from_slice(body);
		(declared, bytes)
	}

	/// What a hostile peer sends, random or a valid message with one byte changed: never a
	/// panic; a length over the limit is refused before any body is read, a short body is an
	/// end of stream, and what decodes is the one encoding of its value (re-encoding it gives
	/// the very bytes read). `PROPTEST_CASES=100000` runs more.
	mod hostile {
		use super::*;
		use proptest::prelude::*;

		proptest! {
			#[test]
			fn requests_are_read_or_refused(
				body in prop::collection::vec(any::<u8>(), 0..MAX_REQUEST_BYTES + 8),
				declared in prop::option::weighted(0.2, any::<u32>()),
			) {
				let (declared, bytes) = framed(declared, &body);
				match read_request(bytes) {
					Ok(RequestFrame::Invalid(RequestError::TooLarge(length))) => {
						prop_assert_eq!(length, declared);
						prop_assert!(declared as usize > MAX_REQUEST_BYTES);
					}
					Ok(RequestFrame::Valid(request)) => {
						prop_assert_eq!(request.encode(), body[..declared as usize].to_vec());
					}
					Ok(RequestFrame::Invalid(RequestError::Malformed)) => {
						prop_assert!(declared as usize <= body.len());
					}
					Ok(RequestFrame::Raw(_)) => prop_assert!(false, "a raw frame is never read"),
					Err(error) => {
						prop_assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
						prop_assert!(declared as usize > body.len());
					}
				}
			}

			#[test]
			fn responses_are_read_or_refused(
				body in prop::collection::vec(any::<u8>(), 0..96),
				declared in prop::option::weighted(0.2, any::<u32>()),
			) {
				let (declared, bytes) = framed(declared, &body);
				match read_response(bytes) {
					Ok(response) => prop_assert_eq!(response.encode(), body[..declared as usize].to_vec()),
					Err(error) => match ResponseError::from_io(&error) {
						Some(ResponseError::TooLarge(length)) => {
							prop_assert_eq!(length, declared);
							prop_assert!(declared as usize > MAX_RESPONSE_BYTES);
						}
						Some(ResponseError::Malformed) => prop_assert!(declared as usize <= body.len()),
						None => {
							prop_assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
							prop_assert!(declared as usize > body.len());
						}
					},
				}
			}

			#[test]
			fn a_changed_byte_of_a_valid_message_is_another_message_or_refused(
				chunk in prop::collection::vec(any::<u8>(), 0..300),
				hash in any::<[u8; 32]>(),
				at in any::<prop::sample::Index>(),
				value in any::<u8>(),
			) {
				let request = ChunkRequest::ByHash(playnet_primitives::Hash32(hash)).encode();
				let response = ChunkResponse::Found(chunk).encode();
				for (body, is_request) in [(request, true), (response, false)] {
					let mut changed = body.clone();
					let at = at.index(changed.len());
					changed[at] = if changed[at] == value { value.wrapping_add(1) } else { value };
					let (_, bytes) = framed(None, &changed);
					if is_request {
						if let Ok(RequestFrame::Valid(read)) = read_request(bytes) {
							prop_assert_eq!(read.encode(), changed);
						}
					} else if let Ok(read) = read_response(bytes) {
						prop_assert_eq!(read.encode(), changed);
					}
				}
			}
		}
	}
}
