fn main() {
    libtorch_link::configure();
}
