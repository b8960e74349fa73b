/** Open a (presigned) file URL as a download without leaving the app. */
export function downloadUrl(url: string, fileName?: string): void {
  const a = document.createElement('a')
  a.href = url
  if (fileName) a.download = fileName
  a.rel = 'noopener'
  a.target = '_blank'
  document.body.appendChild(a)
  a.click()
  a.remove()
}
