// What a render error leaves on screen: the error in words and a way to try again, instead of a
// blank page. An answer of an unexpected shape (a proxy's, a server of another version) fails
// where the page reads it; caught here, it takes down only the part of the page inside.

import { Component, type ComponentChildren } from 'preact';
import { ErrorNote } from './status-views.js';

interface Props {
  children: ComponentChildren;
}

export class ErrorBoundary extends Component<Props, { error: unknown }> {
  override state: { error: unknown } = { error: undefined };

  override componentDidCatch(error: unknown): void {
    this.setState({ error });
  }

  override render() {
    const { error } = this.state;
    if (error === undefined) return this.props.children;
    return <ErrorNote error={error} onRetry={() => this.setState({ error: undefined })} />;
  }
}
