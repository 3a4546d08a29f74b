/* Load a lesson video only when the learner asks: until then only the poster is fetched.
   A static file (no inline script) so that a strict Content-Security-Policy can allow it. */
document.addEventListener("click", function (event) {
  var link = event.target.closest ? event.target.closest("[data-video-src]") : null;
  if (!link) return;
  event.preventDefault();
  var frame = link.parentNode;
  var poster = frame.querySelector("img");
  var video = document.createElement("video");
  video.controls = true;
  video.preload = "auto";
  video.setAttribute("playsinline", "");
  if (poster) video.poster = poster.currentSrc || poster.src;
  var source = document.createElement("source");
  source.src = link.getAttribute("data-video-src");
  if (link.getAttribute("data-video-type")) source.type = link.getAttribute("data-video-type");
  video.appendChild(source);
  frame.replaceWith(video);
  video.focus();
  var playing = video.play();
  if (playing && playing.catch) playing.catch(function () {});
});
